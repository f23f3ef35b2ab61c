{#- Fails for values that are neither EAR99 nor digit, category letter A-E, three digits
    and an optional paragraph suffix (.a, .a.1, .z.1.b). -#}
{% test eccn_format(model, column_name) %}
    select {{ column_name }}
    from {{ model }}
    where {{ column_name }} is not null
        and {{ column_name }} != 'EAR99'
        and not {{ hsguard.regex_full_match(column_name, '[0-9][A-E][0-9]{3}(\\.[a-z0-9]+)*') }}
{% endtest %}
