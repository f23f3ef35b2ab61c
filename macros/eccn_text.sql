{#- Quantities with units in free text, for the ECCN candidate models: the one
    implementation used on both sides, the CCL / Annex I paragraph texts
    (int_eccn_text_quantities) and the product descriptions
    (int_eccn_candidate_query_quantities).

    Rows (key columns..., quantity_position, quote, direction, dimension, unit, low_si,
    high_si): `quote` the words as written ("exceeding 2.7 GHz", "9-10 GHz"); `direction`
    'min' when the text bounds the quantity from below ("exceeding", "more than", "at
    least", "... or more"), 'max' from above ("less than", "not exceeding", "up to", "...
    or less"), 'range' for "a-b unit" / "a to b unit", else null (a plain value);
    `low_si`/`high_si` the value (or range) in the dimension's base unit (Hz, W, m, s, K,
    bit, Pa, V, J, ...). Numbers: 1,000,000 and 5 × 10 3 (the eCFR's flattened 5 × 10^3)
    are read; "640x512" is not a number with a unit. -#}

{#- (alternatives as written, unit, dimension, factor to the base unit, offset) in the
    order they are tried: longer units first. -#}
{% macro eccn_quantity_units() -%}
    {{ return([
        ('Wh/kg', 'Wh/kg', 'specific_energy', 1, 0),
        ('g/mol', 'g/mol', 'molar_mass', 1, 0),
        ('Gbit/s|Gbps|Gb/s', 'Gbit/s', 'data_rate', 1e9, 0),
        ('Mbit/s|Mbps|Mb/s', 'Mbit/s', 'data_rate', 1e6, 0),
        ('kbit/s|kbps', 'kbit/s', 'data_rate', 1e3, 0),
        ('frames/s|frames per second|fps', 'frames/s', 'frame_rate', 1, 0),
        ('km/h', 'km/h', 'speed', 0.2777777777777778, 0),
        ('m/s', 'm/s', 'speed', 1, 0),
        ('rpm|rev/min|r/min', 'rpm', 'rotation_rate', 1, 0),
        ('deg/hr|deg/h|°/hr|°/h|degrees? per hour', 'deg/h', 'drift_rate', 1, 0),
        ('THz|thz', 'THz', 'frequency', 1e12, 0),
        ('GHz|ghz|Ghz', 'GHz', 'frequency', 1e9, 0),
        ('MHz|mhz|Mhz', 'MHz', 'frequency', 1e6, 0),
        ('kHz|khz|KHz', 'kHz', 'frequency', 1e3, 0),
        ('Hz', 'Hz', 'frequency', 1, 0),
        ('dBm', 'dBm', 'power_level', 1, 0),
        ('dB', 'dB', 'gain', 1, 0),
        ('kWh', 'kWh', 'energy', 3.6e6, 0),
        ('Wh', 'Wh', 'energy', 3600, 0),
        ('MW', 'MW', 'power', 1e6, 0),
        ('kW', 'kW', 'power', 1e3, 0),
        ('mW', 'mW', 'power', 1e-3, 0),
        ('W', 'W', 'power', 1, 0),
        ('MJ', 'MJ', 'energy', 1e6, 0),
        ('kJ', 'kJ', 'energy', 1e3, 0),
        ('J', 'J', 'energy', 1, 0),
        ('ml|mL|millilit(?:er|re)s?', 'ml', 'volume', 1e-6, 0),
        ('lit(?:er|re)s?|L', 'l', 'volume', 1e-3, 0),
        ('gallons?|gal', 'gal', 'volume', 0.003785411784, 0),
        ('nm', 'nm', 'length', 1e-9, 0),
        ('µm|μm|um|microns?|micrometres?|micrometers?', 'µm', 'length', 1e-6, 0),
        ('mm', 'mm', 'length', 1e-3, 0),
        ('cm', 'cm', 'length', 1e-2, 0),
        ('km', 'km', 'length', 1e3, 0),
        ('m', 'm', 'length', 1, 0),
        ('fs', 'fs', 'time', 1e-15, 0),
        ('ps', 'ps', 'time', 1e-12, 0),
        ('ns', 'ns', 'time', 1e-9, 0),
        ('µs|μs', 'µs', 'time', 1e-6, 0),
        ('ms', 'ms', 'time', 1e-3, 0),
        ('bits?', 'bit', 'bits', 1, 0),
        ('Gy', 'Gy', 'dose', 1, 0),
        ('°C|ºC|deg C', '°C', 'temperature', 1, 273.15),
        ('K', 'K', 'temperature', 1, 0),
        ('%|percent|per cent', '%', 'share', 1, 0),
        ('kV', 'kV', 'voltage', 1e3, 0),
        ('V', 'V', 'voltage', 1, 0),
        ('GPa', 'GPa', 'pressure', 1e9, 0),
        ('MPa', 'MPa', 'pressure', 1e6, 0),
        ('kPa', 'kPa', 'pressure', 1e3, 0),
        ('Pa', 'Pa', 'pressure', 1, 0),
        ('kN', 'kN', 'force', 1e3, 0),
        ('kg', 'kg', 'mass', 1, 0),
    ]) }}
{%- endmacro %}

{% macro eccn_quantity_pattern() -%}
    {%- set units = eccn_quantity_units() | map('first') | list -%}
    {%- set words_min = 'exceeding|more than|greater than|higher than|above|over|in excess of|at least|minimum|min\\.?|equal to or (?:more|greater|higher) than|>=|≥|>' -%}
    {%- set words_max = 'less \\((?:better|lower)\\) than|less than|lower than|below|not exceeding|not more than|up to and including|up to|maximum|max\\.?|under|equal to or less than|<=|≤|<' -%}
    {#- 1,000,000 (thousands), 8,5 (the EU's decimal comma), 2.7 -#}
    {%- set number = '[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+,[0-9]{1,2}|[0-9]+(?:\\.[0-9]+)?' -%}
    {{- "(?i:(" ~ words_min ~ "|" ~ words_max ~ ") ?)?(" ~ number ~ ")(?: ?× ?10 ?([0-9]{1,2}))?(?:(?: ?[-–] ?| to )(" ~ number ~ "))? ?-?(" ~ units | join('|') ~ ")(?: ?\\([A-Za-z]{1,3}\\))?(?:(?: ?\\([0-9][0-9.,]* ?[A-Za-z]{1,10}\\))?(?i:,? (or (?:more|greater|higher|less|lower))))?(?:[^A-Za-z0-9]|$)" -}}
{%- endmacro %}

{#- A number as written -> text DuckDB casts: "8,5" (decimal comma) -> 8.5, "1,000" -> 1000. -#}
{% macro eccn_number(column) -%}
    case when {{ hsguard.regex_full_match(column, '[0-9]+,[0-9]{1,2}') }} then replace({{ column }}, ',', '.') else replace({{ column }}, ',', '') end
{%- endmacro %}

{% macro eccn_quantities(relation, key_columns, text_column) -%}
    {{ return(adapter.dispatch('eccn_quantities', 'hsguard')(relation, key_columns, text_column)) }}
{%- endmacro %}

{% macro duckdb__eccn_quantities(relation, key_columns, text_column) -%}
    {%- set keys = key_columns | join(', ') -%}
    {%- set pattern = eccn_quantity_pattern() | replace("'", "''") -%}
    {%- set words_min_re = '^(exceeding|more than|greater than|higher than|above|over|in excess of|at least|minimum|min\\.?|equal to or (more|greater|higher) than|>=|≥|>)$' -%}
    select
        {{ keys }},
        quantity_position,
        trim(regexp_replace(quote, '[^A-Za-z0-9%]$', '')) as quote,
        direction,
        dimension,
        unit,
        low_value * factor + offset_value as low_si,
        high_value * factor + offset_value as high_si
    from (
        select
            {{ keys }},
            quantity_position,
            quote,
            case
                when nullif(parts.pre, '') is not null and regexp_matches(lower(parts.pre), '{{ words_min_re }}') then 'min'
                when nullif(parts.pre, '') is not null then 'max'
                when lower(parts.post) in ('or more', 'or greater', 'or higher') then 'min'
                when nullif(parts.post, '') is not null then 'max'
                when nullif(parts.upto, '') is not null then 'range'
            end as direction,
            case
                {%- for alternatives, unit, dimension, factor, offset in eccn_quantity_units() %}
                when regexp_full_match(parts.unit, '{{ alternatives | replace("'", "''") }}') then '{{ unit }}'
                {%- endfor %}
            end as unit,
            case
                {%- for alternatives, unit, dimension, factor, offset in eccn_quantity_units() %}
                when regexp_full_match(parts.unit, '{{ alternatives | replace("'", "''") }}') then '{{ dimension }}'
                {%- endfor %}
            end as dimension,
            case
                {%- for alternatives, unit, dimension, factor, offset in eccn_quantity_units() %}
                when regexp_full_match(parts.unit, '{{ alternatives | replace("'", "''") }}') then cast({{ factor }} as double)
                {%- endfor %}
            end as factor,
            case
                {%- for alternatives, unit, dimension, factor, offset in eccn_quantity_units() %}
                when regexp_full_match(parts.unit, '{{ alternatives | replace("'", "''") }}') then cast({{ offset }} as double)
                {%- endfor %}
            end as offset_value,
            try_cast({{ eccn_number('parts.num') }} as double)
            * coalesce(pow(10, try_cast(nullif(parts.exponent, '') as double)), 1) as low_value,
            coalesce(
                try_cast({{ eccn_number("nullif(parts.upto, '')") }} as double),
                try_cast({{ eccn_number('parts.num') }} as double)
                * coalesce(pow(10, try_cast(nullif(parts.exponent, '') as double)), 1)
            ) as high_value
        from (
            select
                {{ keys }},
                quantity_position,
                quote,
                regexp_extract(quote, '{{ pattern }}', ['pre', 'num', 'exponent', 'upto', 'unit', 'post']) as parts
            from (
                select
                    {{ keys }},
                    unnest(quotes) as quote,
                    unnest(range(1, len(quotes) + 1)) as quantity_position
                from (
                    select {{ keys }}, regexp_extract_all({{ text_column }}, '{{ pattern }}') as quotes
                    from {{ relation }}
                ) as found
            ) as quoted
        ) as parsed
    ) as valued
    where low_value is not null
{%- endmacro %}

{% macro spark__eccn_quantities(relation, key_columns, text_column) -%}
    {#- as duckdb__: every quote (group 0, asked for: Spark's regexp_extract_all defaults to
        group 1) with its position; its six groups read one by one; the patterns made Spark
        literals by regex_literal (backslashes doubled); \z for DuckDB's $ (Java's $ also
        matches before a final line break) -#}
    {%- set keys = key_columns | join(', ') -%}
    {%- set pattern = hsguard.regex_literal(eccn_quantity_pattern()) -%}
    {%- set words_min_re = '^(exceeding|more than|greater than|higher than|above|over|in excess of|at least|minimum|min\\.?|equal to or (more|greater|higher) than|>=|≥|>)\\z' -%}
    {%- set groups = ['pre', 'num', 'exponent', 'upto', 'unit', 'post'] -%}
    select
        {{ keys }},
        quantity_position,
        trim(regexp_replace(quote, '[^A-Za-z0-9%]\\z', '')) as quote,
        direction,
        dimension,
        unit,
        low_value * factor + offset_value as low_si,
        high_value * factor + offset_value as high_si
    from (
        select
            {{ keys }},
            quantity_position,
            quote,
            case
                when nullif(pre, '') is not null and lower(pre) rlike {{ hsguard.regex_literal(words_min_re) }} then 'min'
                when nullif(pre, '') is not null then 'max'
                when lower(post) in ('or more', 'or greater', 'or higher') then 'min'
                when nullif(post, '') is not null then 'max'
                when nullif(upto, '') is not null then 'range'
            end as direction,
            case
                {%- for alternatives, unit, dimension, factor, offset in eccn_quantity_units() %}
                when {{ hsguard.regex_full_match('unit_as_written', alternatives) }} then '{{ unit }}'
                {%- endfor %}
            end as unit,
            case
                {%- for alternatives, unit, dimension, factor, offset in eccn_quantity_units() %}
                when {{ hsguard.regex_full_match('unit_as_written', alternatives) }} then '{{ dimension }}'
                {%- endfor %}
            end as dimension,
            case
                {%- for alternatives, unit, dimension, factor, offset in eccn_quantity_units() %}
                when {{ hsguard.regex_full_match('unit_as_written', alternatives) }} then cast({{ factor }} as double)
                {%- endfor %}
            end as factor,
            case
                {%- for alternatives, unit, dimension, factor, offset in eccn_quantity_units() %}
                when {{ hsguard.regex_full_match('unit_as_written', alternatives) }} then cast({{ offset }} as double)
                {%- endfor %}
            end as offset_value,
            try_cast({{ eccn_number('num') }} as double)
            * coalesce(pow(10, try_cast(nullif(exponent, '') as double)), 1) as low_value,
            coalesce(
                try_cast({{ eccn_number("nullif(upto, '')") }} as double),
                try_cast({{ eccn_number('num') }} as double)
                * coalesce(pow(10, try_cast(nullif(exponent, '') as double)), 1)
            ) as high_value
        from (
            select
                {{ keys }},
                quantity_position,
                quote,
                {%- for group in groups %}
                regexp_extract(quote, {{ pattern }}, {{ loop.index }}) as {{ 'unit_as_written' if group == 'unit' else group }}{{ ',' if not loop.last }}
                {%- endfor %}
            from (
                select {{ keys }}, position + 1 as quantity_position, quote
                from (
                    select {{ keys }}, regexp_extract_all({{ text_column }}, {{ pattern }}, 0) as quotes
                    from {{ relation }}
                ) as found
                lateral view posexplode(quotes) as position, quote
            ) as quoted
        ) as parsed
    ) as valued
    where low_value is not null
{%- endmacro %}


{#- Words by which a description says it is of a product group other than A (systems,
    equipment and components), for the ECCN candidates' group weighting
    (int_eccn_candidate_scores): the CCL's own product group names (15 CFR Part 774
    Supp. 1, eCFR 2026-07-23: "B. Test, inspection and production equipment", "D.
    Software", "E. Technology") and the nouns of the definitions of the two defined terms
    (Annex I of Regulation (EU) 2021/821, "Definitions of terms used in this Annex", as
    bundled: "Software" means a collection of one or more "programs" or 'microprograms';
    "Technology" takes the form of 'technical data' or 'technical assistance'). Words as written; the
    model stems them like every text. -#}
{% macro eccn_product_group_words() -%}
    {{ return([
        ('B', 'test'), ('B', 'inspection'), ('B', 'production'),
        ('D', 'software'), ('D', 'program'), ('D', 'microprogram'),
        ('E', 'technology'), ('E', 'technical'),
    ]) }}
{%- endmacro %}


{#- Phrases by which a description says it is software (D) or technology (E), beside the
    words above: the forms these take in the definitions of Annex I of Regulation (EU)
    2021/821 ("Definitions of terms used in this Annex", as bundled): "Technology" takes
    the form of 'technical data' ("blueprints, plans, diagrams, models, formulae,
    algorithms, tables, engineering designs and specifications, manuals and instructions")
    or 'technical assistance' ("instructions, skills, training, working knowledge and
    consulting services"); "Development" is related to all phases prior to serial
    production, such as ... "design data"; "Source code" may be turned by a programming
    system into equipment executable form ("object code"). Only the forms that name
    information and nothing else are used: "plans", "models", "tables", "specifications",
    "manuals", "instructions", "skills", "training", "formulae" and "algorithms" are also
    words of goods and their descriptions ("model 300", "rotary table", "manual valve",
    "training simulator", "molecular formula", "AES algorithm", a "skill saw"). Matched as whole words in the
    lower-cased description (negations and pack sizes removed, as for its words), a final
    "s" allowed.
    Since 2026-12-02 (second round) also the forms of the EAR's own definition of
    "technology" (15 CFR 772.1, N.B.: "blueprints, drawings, photographs, plans, diagrams,
    models, formulae, tables, engineering designs and specifications, computer-aided design
    files, manuals or documentation, ...") that name information only: "drawings" (the
    plural: "wire drawing" is a process of goods), "computer-aided design files",
    "documentation" and "manuals" (the plural as written in both definitions: the
    singular is the goods word of a "manual valve"); and "know-how", which no definition
    uses but which is the licensing trade's word for unpatented technology (a "process
    know-how package"). -#}
{% macro eccn_product_group_phrases() -%}
    {{ return([
        ('D', 'source code'), ('D', 'object code'),
        ('E', 'design data'), ('E', 'engineering design'), ('E', 'blueprint'), ('E', 'diagram'),
        ('E', 'working knowledge'), ('E', 'consulting service'),
        ('E', 'drawings'), ('E', 'computer-aided design file'), ('E', 'documentation'), ('E', 'manuals'),
        ('E', 'know-how'), ('E', 'know how'),
    ]) }}
{%- endmacro %}


{#- A pack size ("200 L drums", "25 kg bags", "500 ml bottles") says how the goods are
    packed, not what they are: packing containers presented with the goods follow the
    goods (GRI 5(b)), and a compliance analyst reading a datasheet passes over it. The
    ECCN candidates remove such a phrase from a description before its words are matched
    (its words would count against the coverage of the entry the goods read like). A
    phrase is a number, a unit of volume or mass and a packing container named by the
    HS 2022 headings for containers "for the conveyance or packing of goods" (3923 and its
    subheadings, 4819, 6305, 7010, 7310, 7612, as bundled): boxes, cases, crates, sacks,
    bags, carboys, bottles, flasks, cartons, jars, pots, phials, ampoules, containers,
    tanks, casks, drums, cans. A container word without a pack size ("pressure tank") is
    kept. -#}
{% macro eccn_pack_size_pattern() -%}
    [0-9]+([.,][0-9]+)? ?(l|ml|kg|g|lbs?|gal|litres?|liters?)[ .]*(boxes|box|cases?|crates?|sacks?|bags?|carboys?|bottles?|flasks?|cartons?|jars?|pots?|phials?|ampoules?|containers?|tanks?|casks?|drums?|cans?)([^a-z]|$)
{%- endmacro %}

{% macro eccn_without_pack_sizes(column) -%}
    {{ return(adapter.dispatch('eccn_without_pack_sizes', 'hsguard')(column)) }}
{%- endmacro %}

{% macro default__eccn_without_pack_sizes(column) -%}
    regexp_replace(coalesce({{ column }}, ''), '{{ hsguard.eccn_pack_size_pattern() }}', ' ', 'gi')
{%- endmacro %}

{% macro spark__eccn_without_pack_sizes(column) -%}
    regexp_replace(coalesce({{ column }}, ''), '(?i){{ hsguard.eccn_pack_size_pattern() }}', ' ')
{%- endmacro %}


{#- How a CCL or Annex I text names an entry or one of its paragraphs ("5A002",
    "3A001.b.2", "6A002.a.3.f"): read by int_eccn_entry_references and int_eccn_texts. -#}
{% macro eccn_code_pattern() -%}
    {{ return('[0-9][A-E][0-9]{3}(?:[.][a-z0-9]+)*') }}
{%- endmacro %}


{#- A text with what it excludes removed ("(except 3A069, 3A991 ...)", "other than those
    specified in 7A002", "not controlled by ..."): the entries a text is written by
    reference to are read from what is left (int_eccn_entry_references, int_eccn_texts). -#}
{% macro eccn_text_without_exclusions(column) -%}
    {{ hsguard.regex_replace_all(
        hsguard.regex_replace_all(column, '[(](except|other than)[^)]*[)]', ' ', 'i'),
        '(other than|except|not specified|not controlled|not described)[^;:]*', ' ', 'i'
    ) }}
{%- endmacro %}
