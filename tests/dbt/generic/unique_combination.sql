{#- Fails when a combination of columns repeats (what dbt_utils.unique_combination_of_columns
    does; hub packages cannot be installed offline, so hsguard carries its own). -#}
{% test unique_combination(model, combination) %}
    select {{ combination | join(', ') }}, count(*) as occurrences
    from {{ model }}
    group by {{ combination | join(', ') }}
    having count(*) > 1
{% endtest %}
