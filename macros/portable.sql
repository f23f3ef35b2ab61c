{#- Engine-specific SQL behind adapter.dispatch (hsguard namespace): the DuckDB form and the
    Spark form of a few operations the models share. Regular expressions are written once, as
    RE2/Java read them; `regex_literal` turns one into the engine's string literal (Spark
    string literals unescape backslashes, DuckDB's do not). -#}

{#- A regular expression (or any text) as a SQL string literal of this engine. -#}
{% macro regex_literal(pattern) -%}
    {{ return(adapter.dispatch('regex_literal', 'hsguard')(pattern)) }}
{%- endmacro %}

{% macro default__regex_literal(pattern) -%}
    '{{ pattern | replace("'", "''") }}'
{%- endmacro %}

{% macro spark__regex_literal(pattern) -%}
    '{{ pattern | replace("\\", "\\\\") | replace("'", "''") }}'
{%- endmacro %}


{#- Whether `column` contains a match of the regular expression `pattern` (SQL text). -#}
{% macro regex_search(column, pattern) -%}
    {{ return(adapter.dispatch('regex_search', 'hsguard')(column, pattern)) }}
{%- endmacro %}

{% macro default__regex_search(column, pattern) -%}
    regexp_matches({{ column }}, {{ pattern }})
{%- endmacro %}

{% macro spark__regex_search(column, pattern) -%}
    ({{ column }} rlike {{ pattern }})
{%- endmacro %}


{#- Whether the whole of `column` matches the regular expression `pattern` (a Jinja string). -#}
{% macro regex_full_match(column, pattern) -%}
    {{ return(adapter.dispatch('regex_full_match', 'hsguard')(column, pattern)) }}
{%- endmacro %}

{% macro default__regex_full_match(column, pattern) -%}
    regexp_full_match({{ column }}, {{ hsguard.regex_literal(pattern) }})
{%- endmacro %}

{% macro spark__regex_full_match(column, pattern) -%}
    {#- \z: Java's $ also matches before a final line break -#}
    ({{ column }} rlike {{ hsguard.regex_literal('^(?:' ~ pattern ~ ')\\z') }})
{%- endmacro %}


{#- Every match of the regular expression `pattern` (a Jinja string) in `column` replaced by
    `replacement` (a Jinja string; \1 for a group). `flags`: 'i' for case-insensitive. -#}
{% macro regex_replace_all(column, pattern, replacement, flags='') -%}
    {{ return(adapter.dispatch('regex_replace_all', 'hsguard')(column, pattern, replacement, flags)) }}
{%- endmacro %}

{% macro default__regex_replace_all(column, pattern, replacement, flags) -%}
    regexp_replace({{ column }}, {{ hsguard.regex_literal(pattern) }}, {{ hsguard.regex_literal(replacement) }}, 'g{{ flags }}')
{%- endmacro %}

{% macro spark__regex_replace_all(column, pattern, replacement, flags) -%}
    {#- Spark replaces every match; Java writes a group $1, and a literal $ as \$ -#}
    {%- set java_replacement = modules.re.sub('\\\\([0-9])', '$\\1', replacement | replace('$', '\\$')) -%}
    regexp_replace({{ column }}, {{ hsguard.regex_literal(('(?' ~ flags ~ ')' if flags else '') ~ pattern) }}, {{ hsguard.regex_literal(java_replacement) }})
{%- endmacro %}


{#- Whether `value` is one of the items of `list_text`, a comma-separated list (no spaces). -#}
{% macro csv_contains(list_text, value) -%}
    {{ return(adapter.dispatch('csv_contains', 'hsguard')(list_text, value)) }}
{%- endmacro %}

{% macro default__csv_contains(list_text, value) -%}
    list_contains(string_split({{ list_text }}, ','), {{ value }})
{%- endmacro %}

{% macro spark__csv_contains(list_text, value) -%}
    array_contains(split({{ list_text }}, ','), {{ value }})
{%- endmacro %}


{#- Whether two comma-separated lists share an item. -#}
{% macro csv_overlaps(list_text, other_list_text) -%}
    {{ return(adapter.dispatch('csv_overlaps', 'hsguard')(list_text, other_list_text)) }}
{%- endmacro %}

{% macro default__csv_overlaps(list_text, other_list_text) -%}
    list_has_any(string_split({{ list_text }}, ','), string_split({{ other_list_text }}, ','))
{%- endmacro %}

{% macro spark__csv_overlaps(list_text, other_list_text) -%}
    arrays_overlap(split({{ list_text }}, ','), split({{ other_list_text }}, ','))
{%- endmacro %}


{#- Whether text `column` starts with text `prefix`. -#}
{% macro text_starts_with(column, prefix) -%}
    {{ return(adapter.dispatch('text_starts_with', 'hsguard')(column, prefix)) }}
{%- endmacro %}

{% macro default__text_starts_with(column, prefix) -%}
    starts_with({{ column }}, {{ prefix }})
{%- endmacro %}

{% macro spark__text_starts_with(column, prefix) -%}
    startswith({{ column }}, {{ prefix }})
{%- endmacro %}


{#- The type of a list of texts. -#}
{% macro text_list_type() -%}
    {{ return(adapter.dispatch('text_list_type', 'hsguard')()) }}
{%- endmacro %}

{% macro default__text_list_type() -%}
    varchar[]
{%- endmacro %}

{% macro spark__text_list_type() -%}
    array<string>
{%- endmacro %}


{#- Accents folded (é -> e, ß and æ kept), as DuckDB's strip_accents. -#}
{% macro fold_accents(column) -%}
    {{ return(adapter.dispatch('fold_accents', 'hsguard')(column)) }}
{%- endmacro %}

{% macro default__fold_accents(column) -%}
    strip_accents({{ column }})
{%- endmacro %}

{% macro spark__fold_accents(column) -%}
    {#- No strip_accents in Spark: every letter of Latin-1, Latin Extended-A/B and Latin
        Extended Additional that DuckDB's strip_accents changes, mapped to what it gives
        (generated from DuckDB 1.5), and the combining marks it removes, dropped -#}
    translate({{ column }}, 'ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǢǣǦǧǨǩǪǫǬǭǮǯǰǴǵǸǹǺǻǼǽǾǿȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭȮȯȰȱȲȳḀḁḂḃḄḅḆḇḈḉḊḋḌḍḎḏḐḑḒḓḔḕḖḗḘḙḚḛḜḝḞḟḠḡḢḣḤḥḦḧḨḩḪḫḬḭḮḯḰḱḲḳḴḵḶḷḸḹḺḻḼḽḾḿṀṁṂṃṄṅṆṇṈṉṊṋṌṍṎṏṐṑṒṓṔṕṖṗṘṙṚṛṜṝṞṟṠṡṢṣṤṥṦṧṨṩṪṫṬṭṮṯṰṱṲṳṴṵṶṷṸṹṺṻṼṽṾṿẀẁẂẃẄẅẆẇẈẉẊẋẌẍẎẏẐẑẒẓẔẕẖẗẘẙẛẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ̴̵̶̷̸̡̢̧̨̛̖̗̘̙̜̝̞̟̠̣̤̥̦̩̪̫̬̭̮̯̰̱̲̳̹̺̻̼͇͈͉͍͎̀́̂̃̄̅̆̇̈̉̊̋̌̍̎̏̐̑̒̓̔̽̾̿̀́͂̓̈́͆͊͋͌̕̚ͅ͏͓͔͕͖͙͚͐͑͒͗͛ͣͤͥͦͧͨͩͪͫͬͭͮͯ͘͜͟͢͝͞͠͡', 'AAAAAACEEEEIIIINOOOOOUUUUYaaaaaaceeeeiiiinooooouuuuyyAaAaAaCcCcCcCcDdEeEeEeEeEeGgGgGgGgHhIiIiIiIiIJjKkLlLlLlNnNnNnOoOoOoRrRrRrSsSsSsSsTtTtUuUuUuUuUuUuWwYyYZzZzZzOoUuAaIiOoUuUuUuUuUuAaAaÆæGgKkOoOoƷʒjGgNnAaÆæØøAaAaEeEeIiIiOoOoRrRrUuUuSsTtHhAaEeOoOoOoOoYyAaBbBbBbCcDdDdDdDdDdEeEeEeEeEeFfGgHhHhHhHhHhIiIiKkKkKkLlLlLlLlMmMmMmNnNnNnNnOoOoOoOoPpPpRrRrRrRrSsSsSsSsSsTtTtTtTtUuUuUuUuUuVvVvWwWwWwWwWwXxXxYyZzZzZzhtwyſAaAaAaAaAaAaAaAaAaAaAaAaEeEeEeEeEeEeEeEeIiIiOoOoOoOoOoOoOoOoOoOoOoOoUuUuUuUuUuUuUuYyYyYyYy')
{%- endmacro %}


{#- dbt's listagg on Spark. dbt-spark's own drops the order by (with only a warning); Spark 4
    has listagg ... within group (order by ...). A distinct list ordered by its own values is
    a sorted set instead (Spark 4.3's optimiser failed on listagg(distinct ...) beside
    count(distinct ...)), null when there is no value, as DuckDB's string_agg. -#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- set measure = measure | trim -%}
    {%- if limit_num -%}
        {#- the first limit_num values in order (nulls among them count, as DuckDB's): the
            values sorted by their (ascending) keys, sliced, joined -#}
        {%- set keys = (order_by_clause | trim)[9:].split(',') if order_by_clause else [] -%}
        {%- if not (order_by_clause | trim | lower).startswith('order by ') or ' desc' in (order_by_clause | lower) -%}
            {{ exceptions.raise_compiler_error("listagg with limit_num needs ascending order by keys, not " ~ order_by_clause) }}
        {%- endif -%}
        array_join(transform(slice(array_sort(collect_list(struct(
            {%- for key in keys %}{{ key | trim }} as k{{ loop.index }}, {% endfor -%}
            {{ measure }} as v))), 1, {{ limit_num }}), x -> x.v), {{ delimiter_text }})
    {%- elif measure.lower().startswith('distinct ') -%}
        {%- set expression = measure[9:] | trim -%}
        {%- if order_by_clause and (order_by_clause | trim | lower) not in ['order by ' ~ (expression | lower), 'order by ' ~ (expression | lower) ~ ' asc'] -%}
            {{ exceptions.raise_compiler_error("listagg(distinct x) is ordered by x only, not " ~ order_by_clause) }}
        {%- endif -%}
        case when count({{ expression }}) > 0 then array_join(array_sort(collect_set({{ expression }})), {{ delimiter_text }}) end
    {%- elif order_by_clause -%}
        listagg({{ measure }}, {{ delimiter_text }}) within group ({{ order_by_clause }})
    {%- else -%}
        listagg({{ measure }}, {{ delimiter_text }})
    {%- endif -%}
{%- endmacro %}


{#- Lists of texts in FROM and SELECT (DuckDB lists, Spark arrays). -#}

{#- A list of the SQL expressions `items`. -#}
{% macro text_list(items) -%}
    {{ return(adapter.dispatch('text_list', 'hsguard')(items)) }}
{%- endmacro %}

{% macro default__text_list(items) -%}
    {%- if items -%}[{{ items | join(', ') }}]{%- else -%}cast([] as {{ hsguard.text_list_type() }}){%- endif -%}
{%- endmacro %}

{% macro spark__text_list(items) -%}
    {%- if items -%}array({{ items | join(', ') }}){%- else -%}cast(array() as {{ hsguard.text_list_type() }}){%- endif -%}
{%- endmacro %}


{#- The lists `lists` (SQL expressions) one after the other. -#}
{% macro list_concat(lists) -%}
    {{ return(adapter.dispatch('list_concat', 'hsguard')(lists)) }}
{%- endmacro %}

{% macro default__list_concat(lists) -%}
    list_concat({{ lists | join(', ') }})
{%- endmacro %}

{% macro spark__list_concat(lists) -%}
    concat({{ lists | join(', ') }})
{%- endmacro %}


{#- The words of `text` split at every `separator` (a plain character, not a pattern). -#}
{% macro split_text(text, separator) -%}
    {{ return(adapter.dispatch('split_text', 'hsguard')(text, separator)) }}
{%- endmacro %}

{% macro default__split_text(text, separator) -%}
    string_split({{ text }}, '{{ separator }}')
{%- endmacro %}

{% macro spark__split_text(text, separator) -%}
    {#- Spark's split takes a pattern: the separator quoted -#}
    split({{ text }}, {{ hsguard.regex_literal('\\Q' ~ separator ~ '\\E') }})
{%- endmacro %}


{#- `prefix` (SQL text) before `word` with each one of its letters deleted in turn, in order
    (steel -> teel, seel, stel, stel, stee). -#}
{% macro one_letter_deletions(word, prefix) -%}
    {{ return(adapter.dispatch('one_letter_deletions', 'hsguard')(word, prefix)) }}
{%- endmacro %}

{% macro default__one_letter_deletions(word, prefix) -%}
    list_transform(
        range(1, length({{ word }}) + 1),
        i -> {{ prefix }} || left({{ word }}, i - 1) || substr({{ word }}, i + 1)
    )
{%- endmacro %}

{% macro spark__one_letter_deletions(word, prefix) -%}
    transform(
        sequence(1, length({{ word }})),
        i -> {{ prefix }} || left({{ word }}, i - 1) || substr({{ word }}, i + 1)
    )
{%- endmacro %}


{#- `prefix` before `word` with each pair of neighbouring letters swapped in turn (at least
    two letters). -#}
{% macro neighbour_swaps(word, prefix) -%}
    {{ return(adapter.dispatch('neighbour_swaps', 'hsguard')(word, prefix)) }}
{%- endmacro %}

{% macro default__neighbour_swaps(word, prefix) -%}
    list_transform(
        range(1, length({{ word }})),
        i -> {{ prefix }} || left({{ word }}, i - 1)
        || substr({{ word }}, i + 1, 1) || substr({{ word }}, i, 1)
        || substr({{ word }}, i + 2)
    )
{%- endmacro %}

{% macro spark__neighbour_swaps(word, prefix) -%}
    transform(
        sequence(1, length({{ word }}) - 1),
        i -> {{ prefix }} || left({{ word }}, i - 1)
        || substr({{ word }}, i + 1, 1) || substr({{ word }}, i, 1)
        || substr({{ word }}, i + 2)
    )
{%- endmacro %}


{#- In a FROM clause, after its last relation: one row per item of the list `list` (SQL)
    of the row, the item in `alias`.`column`. -#}
{% macro unnest_join(list, alias, column) -%}
    {{ return(adapter.dispatch('unnest_join', 'hsguard')(list, alias, column)) }}
{%- endmacro %}

{% macro default__unnest_join(list, alias, column) -%}
    cross join unnest({{ list }}) as {{ alias }} ({{ column }})
{%- endmacro %}

{% macro spark__unnest_join(list, alias, column) -%}
    lateral view explode({{ list }}) {{ alias }} as {{ column }}
{%- endmacro %}


{#- Damerau-Levenshtein distance of two texts (insertions, deletions, substitutions and
    swaps of neighbouring letters). -#}
{% macro damerau_levenshtein(a, b) -%}
    {{ return(adapter.dispatch('damerau_levenshtein', 'hsguard')(a, b)) }}
{%- endmacro %}

{% macro default__damerau_levenshtein(a, b) -%}
    damerau_levenshtein({{ a }}, {{ b }})
{%- endmacro %}

{% macro spark__damerau_levenshtein(a, b) -%}
    {#- No such function in Spark: the dynamic programme, row by row (higher-order functions;
        element_at(row, j + 1) is column j). This is the optimal-string-alignment distance,
        which equals DuckDB's (unrestricted) Damerau-Levenshtein at distance 1 and differs
        only when a swapped pair is edited again (ca -> abc: 3, not 2); the models compare
        it with 1 or 2 -#}
    case
        when length({{ a }}) = 0 then length({{ b }})
        when length({{ b }}) = 0 then length({{ a }})
        else aggregate(
            sequence(1, length({{ a }})),
            named_struct('before', sequence(0, length({{ b }})), 'last', sequence(0, length({{ b }}))),
            (dp, i) -> named_struct(
                'before', dp.last,
                'last', aggregate(
                    sequence(1, length({{ b }})),
                    array(i),
                    (cells, j) -> concat(cells, array(least(
                        element_at(dp.last, j + 1) + 1,
                        element_at(cells, j) + 1,
                        element_at(dp.last, j) + case when substr({{ a }}, i, 1) = substr({{ b }}, j, 1) then 0 else 1 end,
                        case
                            when i > 1 and j > 1
                                and substr({{ a }}, i, 1) = substr({{ b }}, j - 1, 1)
                                and substr({{ a }}, i - 1, 1) = substr({{ b }}, j, 1)
                                then element_at(dp.before, j - 1) + 1
                            else i + j
                        end
                    )))
                )
            ),
            dp -> element_at(dp.last, length({{ b }}) + 1)
        )
    end
{%- endmacro %}


{#- The value of `value` on the row where `key` is largest (an aggregate). -#}
{% macro value_at_max(value, key) -%}
    {{ return(adapter.dispatch('value_at_max', 'hsguard')(value, key)) }}
{%- endmacro %}

{% macro default__value_at_max(value, key) -%}
    arg_max({{ value }}, {{ key }})
{%- endmacro %}

{% macro spark__value_at_max(value, key) -%}
    max_by({{ value }}, {{ key }})
{%- endmacro %}


{#- The values of `expression` in the order of `key` (ascending; nulls kept), as a list (an
    aggregate). -#}
{% macro ordered_list(expression, key) -%}
    {{ return(adapter.dispatch('ordered_list', 'hsguard')(expression, key)) }}
{%- endmacro %}

{% macro default__ordered_list(expression, key) -%}
    list({{ expression }} order by {{ key }})
{%- endmacro %}

{% macro spark__ordered_list(expression, key) -%}
    transform(array_sort(collect_list(named_struct('k', {{ key }}, 'v', {{ expression }}))), x -> x.v)
{%- endmacro %}


{#- The value of `expression` on the first row in the order of `keys`, a list of (SQL, 'asc'
    or 'desc'), nulls last (DuckDB's default); a 'desc' key must be a number (an aggregate). -#}
{% macro first_ordered(expression, keys) -%}
    {{ return(adapter.dispatch('first_ordered', 'hsguard')(expression, keys)) }}
{%- endmacro %}

{% macro default__first_ordered(expression, keys) -%}
    first({{ expression }} order by {% for key, direction in keys %}{{ key }}{{ ' desc' if direction == 'desc' }}{{ ', ' if not loop.last }}{% endfor %})
{%- endmacro %}

{% macro spark__first_ordered(expression, keys) -%}
    min_by({{ expression }}, named_struct(
        {%- for key, direction in keys %}
        'null{{ loop.index }}', case when {{ key }} is null then 1 else 0 end,
        'key{{ loop.index }}', {{ '-' if direction == 'desc' }}({{ key }}){{ ',' if not loop.last }}
        {%- endfor %}
    ))
{%- endmacro %}


{#- `text` without the characters of `characters` (SQL text) at its start. -#}
{% macro ltrim_characters(text, characters) -%}
    {{ return(adapter.dispatch('ltrim_characters', 'hsguard')(text, characters)) }}
{%- endmacro %}

{% macro default__ltrim_characters(text, characters) -%}
    ltrim({{ text }}, {{ characters }})
{%- endmacro %}

{% macro spark__ltrim_characters(text, characters) -%}
    {#- Spark's two-argument ltrim takes the characters first -#}
    ltrim({{ characters }}, {{ text }})
{%- endmacro %}


{#- Every match (the whole match) of the regular expression `pattern` (a Jinja string) in
    `column`, as a list. -#}
{% macro regex_matches_list(column, pattern) -%}
    {{ return(adapter.dispatch('regex_matches_list', 'hsguard')(column, pattern)) }}
{%- endmacro %}

{% macro default__regex_matches_list(column, pattern) -%}
    regexp_extract_all({{ column }}, {{ hsguard.regex_literal(pattern) }})
{%- endmacro %}

{% macro spark__regex_matches_list(column, pattern) -%}
    {#- group 0: Spark's regexp_extract_all defaults to group 1 -#}
    regexp_extract_all({{ column }}, {{ hsguard.regex_literal(pattern) }}, 0)
{%- endmacro %}


{#- Seeds on Spark: dbt-spark's session loader pastes each value into the SQL unquoted (an
    apostrophe breaks the statement) and writes an empty cell as the text 'None'. Here every
    value is a Spark string literal (quotes and backslashes escaped) cast to the column's type,
    and an empty cell is null, as dbt-duckdb loads them. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
  {%- set column_override = model['config'].get('column_types', {}) -%}
  {%- set types = [] -%}
  {%- for col_name in agate_table.column_names -%}
    {%- do types.append(column_override.get(col_name, adapter.convert_type(agate_table, loop.index0))) -%}
  {%- endfor -%}
  {%- set statements = [] -%}
  {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
    {%- set sql -%}
      insert into {{ this.render() }} values
      {% for row in chunk -%}
        ({%- for value in row -%}
          {%- if value is none -%}cast(null as {{ types[loop.index0] }})
          {%- else -%}cast('{{ (value | string) | replace("\\", "\\\\") | replace("'", "''") }}' as {{ types[loop.index0] }})
          {%- endif -%}{{ ', ' if not loop.last }}
        {%- endfor -%}){{ ',' if not loop.last }}
      {% endfor %}
    {%- endset -%}
    {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
    {%- if loop.first -%}{%- do statements.append(sql) -%}{%- endif -%}
  {%- endfor -%}
  {{ return(statements[0] if statements else '') }}
{% endmacro %}


{#- A double rounded to `digits` decimals as DuckDB rounds it: x * 10^digits rounded half
    away from zero, divided by 10^digits, in double arithmetic. Spark's round takes the
    double's shortest decimal text (1.07645 -> 1.0765, where DuckDB's 1.07645 * 10^4 =
    10764.4999... gives 1.0764). -#}
{% macro round_double(expression, digits) -%}
    {{ return(adapter.dispatch('round_double', 'hsguard')(expression, digits)) }}
{%- endmacro %}

{% macro default__round_double(expression, digits) -%}
    round({{ expression }}, {{ digits }})
{%- endmacro %}

{% macro spark__round_double(expression, digits) -%}
    (round(cast({{ expression }} as double) * {{ 10 ** digits }}.0) / {{ 10 ** digits }}.0)
{%- endmacro %}
