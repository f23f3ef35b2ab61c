{#- Text normalisation for candidate codes: tokenise, stem, weight, rank.

    Every macro dispatches through adapter.dispatch(..., 'hsguard'). The default__
    implementations are written for PostgreSQL-compatible engines (lower,
    regexp_replace, regexp_split_to_table, substring ... from, row_number, ln);
    DuckDB-specific functions (regexp_extract_all, unnest, list functions,
    strip_accents, string_split, qualify, md5) appear only in the duckdb__
    implementations. Regular expressions avoid backreferences in patterns, so RE2
    (DuckDB) and POSIX engines read them alike.

    Pipeline applied identically to tariff texts, product descriptions and rulings:
      1. normalise_text: lower case, accents folded, possessives and origin phrases
         ("from China", "made in Japan": origin never decides a classification) removed,
         '&' -> and, British -> American spelling of a few tariff words;
      2. tokenise: words of letters/digits; a hyphenated word gives its joined form and
         its parts (T-shirts -> tshirts, shirts; but non-electric -> nonelectric only, as
         the tariff writes it); words with digits (model numbers,
         quantities, percentages, CAS numbers), one-letter words and stop words are dropped;
      3. stem_word: light English stemmer (plural -> singular, -ing/-ed, doubled final
         consonant, final e), so "knitted"/"knit", "valves"/"valve", "batteries"/"battery"
         meet;
      4. seeds/text_synonyms.csv then maps abbreviations, irregular plurals and material
         names to the tariff's vocabulary (see int_candidate_text_terms).
-#}

{#- Function words and tariff boilerplate that never discriminate a line. -#}
{% macro text_stopwords() -%}
    {{ return([
        'a', 'an', 'the', 'and', 'or', 'nor', 'of', 'for', 'to', 'in', 'on', 'at', 'by', 'with',
        'without', 'from', 'as', 'is', 'are', 'be', 'being', 'been', 'was', 'were', 'it', 'its',
        'this', 'that', 'these', 'those', 'which', 'whether', 'not', 'no', 'other', 'others',
        'thereof', 'therefor', 'therefrom', 'therein', 'such', 'than', 'but', 'into', 'onto',
        'per', 'each', 'any', 'all', 'both', 'etc', 'ie', 'eg', 'nesoi', 'including', 'include',
        'includes', 'included', 'excluding', 'except', 'only', 'also', 'used', 'use', 'using',
        'designed', 'made', 'having', 'has', 'have', 'containing', 'contains', 'consisting',
        'consist', 'consists', 'composed', 'comprising', 'kind', 'kinds', 'like', 'similar',
        'same', 'more', 'less', 'over', 'under', 'exceeding', 'exceed', 'exceeds', 'least',
        'than', 'elsewhere', 'specified', 'described', 'whose', 'whether', 'otherwise', 'either',
        'thereto', 'which', 'when', 'where', 'while', 'their', 'they', 'them', 'there', 'up',
        'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten',
        'pair', 'pairs', 'various', 'variety', 'item', 'items', 'number', 'numbers', 'no',
        'approximately', 'about', 'piece', 'pieces', 'pc', 'pcs', 'specifically', 'primarily',
        'mainly', 'chiefly', 'solely', 'wholly', 'principally', 'certain', 'intended',
        'suitable', 'known', 'called', 'so', 'via', 'can', 'may', 'will', 'which', 'heading',
        'headings', 'subheading', 'subheadings', 'chapter', 'chapters', 'note', 'notes', 'us',
        'value', 'valued', 'percent', 'cm', 'mm', 'kg', 'lb', 'lbs', 'inch', 'inches', 'ft'
    ] | unique | list) }}
{%- endmacro %}


{#- Lower case, fold accents, drop possessives and origin phrases. -#}
{% macro normalise_text(column) -%}
    {{ return(adapter.dispatch('normalise_text', 'hsguard')(column)) }}
{%- endmacro %}

{% macro default__normalise_text(column) -%}
    replace(replace(replace(replace(replace(replace(
        regexp_replace(regexp_replace(lower(
            regexp_replace({{ column }}, '(imported from|from|made in|produced in|manufactured in|origin) [A-Z][A-Za-z]+( [A-Z][A-Za-z]+)?', ' ')
        ), '''s([^a-z]|$)', ' \1', 'g'), '[''’`]', '', 'g'),
        '&', ' and '), 'fibre', 'fiber'), 'aluminium', 'aluminum'), 'colour', 'color'),
        'jewellery', 'jewelry'), 'tyre', 'tire')
{%- endmacro %}

{% macro duckdb__normalise_text(column) -%}
    replace(replace(replace(replace(replace(replace(
        regexp_replace(regexp_replace(lower(strip_accents(
            regexp_replace(
                coalesce({{ column }}, ''),
                '(imported from|from|made in|produced in|manufactured in|origin:?) [A-Z][A-Za-z]+( [A-Z][A-Za-z]+)?',
                ' ', 'g')
        )), '[''’`]s\b', '', 'g'), '[''’`]', '', 'g'),
        '&', ' and '), 'fibre', 'fiber'), 'aluminium', 'aluminum'), 'colour', 'color'),
        'jewellery', 'jewelry'), 'tyre', 'tire')
{%- endmacro %}

{% macro spark__normalise_text(column) -%}
    {#- as duckdb__: Spark's regexp_replace replaces every match, \b written \\b -#}
    replace(replace(replace(replace(replace(replace(
        regexp_replace(regexp_replace(lower({{ hsguard.fold_accents(
            "regexp_replace(coalesce(" ~ column ~ ", ''), '(imported from|from|made in|produced in|manufactured in|origin:?) [A-Z][A-Za-z]+( [A-Z][A-Za-z]+)?', ' ')"
        ) }}), '[''’`]s\\b', ''), '[''’`]', ''),
        '&', ' and '), 'fibre', 'fiber'), 'aluminium', 'aluminum'), 'colour', 'color'),
        'jewellery', 'jewelry'), 'tyre', 'tire')
{%- endmacro %}


{#- Light English stemmer on one lower-case word (no backreferences, so RE2 and POSIX
    engines agree). Order: irregular plural endings, -ing/-ed, regular plurals, doubled
    final consonant, final e. Short words (<= 3 letters) are left alone.
    With derivations=true (the ECCN candidates; the HS candidates do not ask for it, so
    their tokens are unchanged), two derivational rules follow on the stem: an agent noun
    in -tor/-sor reads as its action noun in -tion/-sion (encryptor -> encryption,
    detector -> detection, compressor -> compression, monitor(ing) -> monition), and an
    instrument in -oscope as its clipped form in -o (gyroscope -> gyro, as "gyros" stems). -#}
{% macro stem_word(column, derivations=false) -%}
    {{ return(adapter.dispatch('stem_word', 'hsguard')(column, derivations)) }}
{%- endmacro %}

{% macro default__stem_word(column, derivations=false) -%}
    {%- set w = column -%}
    {#- 1. -ies -> y, -sses -> ss, -xes/-ches/-shes -> x/ch/sh -#}
    {%- set w = "regexp_replace(" ~ w ~ ", '^([a-z]{2,})ies$', '\\1y')" -%}
    {%- set w = "regexp_replace(" ~ w ~ ", '^([a-z]{2,})(ss|x|ch|sh)es$', '\\1\\2')" -%}
    {#- 2. plural s (not -ss, -us, -is) -#}
    {%- set w = "regexp_replace(" ~ w ~ ", '^([a-z]{3,}[^su])s$', '\\1')" -%}
    {#- 3. -ing / -ed when at least 3 letters stay -#}
    {%- set w = "regexp_replace(" ~ w ~ ", '^([a-z]{3,}[^aeiou])(ing|ed)$', '\\1')" -%}
    {#- 4. doubled final consonant left by 3. (knitt -> knit, fitt -> fit); a namespace
        carries the expression out of the loop -#}
    {%- set ns = namespace(w=w) -%}
    {%- for c in ['b', 'd', 'g', 'm', 'n', 'p', 'r', 't'] -%}
        {%- set ns.w = "regexp_replace(" ~ ns.w ~ ", '^([a-z]{2,})" ~ c ~ c ~ "$', '\\1" ~ c ~ "')" -%}
    {%- endfor -%}
    {#- 5. final e of longer words (machine/machin, glazed/glaz) -#}
    {%- set w = "regexp_replace(" ~ ns.w ~ ", '^([a-z]{4,})e$', '\\1')" -%}
    {%- if derivations -%}
        {#- 6. -tor/-sor -> -tion/-sion; -oscop (gyroscope after 5.) -> -o -#}
        {%- set w = "regexp_replace(" ~ w ~ ", '^([a-z]{3,}[st])or$', '\\1ion')" -%}
        {%- set w = "regexp_replace(" ~ w ~ ", '^([a-z]{3,}o)scop$', '\\1')" -%}
    {%- endif -%}
    {{ w }}
{%- endmacro %}

{% macro spark__stem_word(column, derivations=false) -%}
    {#- default__'s steps; Java writes a group in the replacement $1 -#}
    {%- set w = column -%}
    {%- set w = "regexp_replace(" ~ w ~ ", '^([a-z]{2,})ies$', '$1y')" -%}
    {%- set w = "regexp_replace(" ~ w ~ ", '^([a-z]{2,})(ss|x|ch|sh)es$', '$1$2')" -%}
    {%- set w = "regexp_replace(" ~ w ~ ", '^([a-z]{3,}[^su])s$', '$1')" -%}
    {%- set w = "regexp_replace(" ~ w ~ ", '^([a-z]{3,}[^aeiou])(ing|ed)$', '$1')" -%}
    {%- set ns = namespace(w=w) -%}
    {%- for c in ['b', 'd', 'g', 'm', 'n', 'p', 'r', 't'] -%}
        {%- set ns.w = "regexp_replace(" ~ ns.w ~ ", '^([a-z]{2,})" ~ c ~ c ~ "$', '$1" ~ c ~ "')" -%}
    {%- endfor -%}
    {%- set w = "regexp_replace(" ~ ns.w ~ ", '^([a-z]{4,})e$', '$1')" -%}
    {%- if derivations -%}
        {%- set w = "regexp_replace(" ~ w ~ ", '^([a-z]{3,}[st])or$', '$1ion')" -%}
        {%- set w = "regexp_replace(" ~ w ~ ", '^([a-z]{3,}o)scop$', '$1')" -%}
    {%- endif -%}
    {{ w }}
{%- endmacro %}


{#- Rows (key columns..., word_position, token) for the text column of a relation:
    normalised, split, stop words and words with digits dropped, stemmed.
    `relation` is anything that can follow FROM (a ref or a CTE name). -#}
{% macro tokenise(relation, key_columns, text_column, derivations=false) -%}
    {{ return(adapter.dispatch('tokenise', 'hsguard')(relation, key_columns, text_column, derivations)) }}
{%- endmacro %}

{% macro default__tokenise(relation, key_columns, text_column, derivations=false) -%}
    {%- set keys = key_columns | join(', ') -%}
    {%- set stop = text_stopwords() -%}
    {#- The words in order, hyphenated compounds whole; used twice below. -#}
    {%- set numbered -%}
            (
                select {{ keys }},
                    row_number() over (partition by {{ keys }} order by 1) as word_position,
                    compound
                from (
                    select {{ keys }},
                        regexp_split_to_table({{ hsguard.normalise_text(text_column) }}, '[^a-z0-9-]+') as compound
                    from {{ relation }}
                ) as split_words
            ) as numbered
    {%- endset -%}
    select {{ keys }}, word_position, word, {{ hsguard.stem_word('word', derivations) }} as token
    from (
        select {{ keys }}, word_position, replace(part, '-', '') as word
        from (
            select {{ keys }}, word_position, compound as part
            from {{ numbered }}
            union all
            select {{ keys }}, word_position, regexp_split_to_table(compound, '-') as part
            from {{ numbered }}
            where compound like '%-%'
                and compound not like 'non-%'
        ) as parts
    ) as words
    where length(word) >= 2
        and not (word ~ '[0-9]')
        and word not in ({% for s in stop %}'{{ s }}'{{ ',' if not loop.last }}{% endfor %})
{%- endmacro %}

{% macro duckdb__tokenise(relation, key_columns, text_column, derivations=false) -%}
    {%- set keys = key_columns | join(', ') -%}
    {%- set stop = text_stopwords() -%}
    {#- The stemmer is a chain of regular expressions and the same words recur on many rows:
        each distinct word is stemmed once and joined back (the same tokens, in a fraction
        of the time). -#}
    select * from (
        with tokenise_words as (
            select {{ keys }}, word_position, word
            from (
                select {{ keys }}, word_position,
                    unnest(
                        case
                            -- non-electric, non-alloy: the tariff writes nonelectric, nonalloy
                            when starts_with(compound, 'non-') then [replace(compound, '-', '')]
                            when contains(compound, '-')
                                then list_distinct(list_prepend(replace(compound, '-', ''), string_split(compound, '-')))
                            else [compound]
                        end
                    ) as word
                from (
                    select {{ keys }},
                        unnest(words) as compound,
                        unnest(range(1, len(words) + 1)) as word_position
                    from (
                        select {{ keys }},
                            regexp_extract_all({{ hsguard.normalise_text(text_column) }}, '[a-z0-9]+(?:-[a-z0-9]+)*') as words
                        from {{ relation }}
                    ) as extracted
                ) as compounds
            ) as words
            where length(word) >= 2
                and not regexp_matches(word, '[0-9]')
                and word not in ({% for s in stop %}'{{ s }}'{{ ',' if not loop.last }}{% endfor %})
        ),

        tokenise_stems as (
            select word, {{ hsguard.stem_word('word', derivations) }} as token
            from (select distinct word from tokenise_words) as distinct_words
        )

        select
            {%- for key in key_columns %} tokenise_words.{{ key }},{% endfor %}
            tokenise_words.word_position, tokenise_words.word, tokenise_stems.token
        from tokenise_words
        inner join tokenise_stems
            on tokenise_words.word = tokenise_stems.word
    ) as tokenised
{%- endmacro %}

{% macro spark__tokenise(relation, key_columns, text_column, derivations=false) -%}
    {%- set keys = key_columns | join(', ') -%}
    {%- set stop = text_stopwords() -%}
    select {{ keys }}, word_position, word, {{ hsguard.stem_word('word', derivations) }} as token
    from (
        select {{ keys }}, word_position, word
        from (
            select {{ keys }}, position + 1 as word_position, compound
            from (
                select {{ keys }},
                    regexp_extract_all({{ hsguard.normalise_text(text_column) }}, '[a-z0-9]+(?:-[a-z0-9]+)*', 0) as words
                from {{ relation }}
            ) as extracted
            lateral view posexplode(words) as position, compound
        ) as compounds
        lateral view explode(
            case
                -- non-electric, non-alloy: the tariff writes nonelectric, nonalloy
                when startswith(compound, 'non-') then array(replace(compound, '-', ''))
                when contains(compound, '-')
                    then array_distinct(concat(array(replace(compound, '-', '')), split(compound, '-')))
                else array(compound)
            end
        ) as word
    ) as words
    where length(word) >= 2
        and not (word rlike '[0-9]')
        and word not in ({% for s in stop %}'{{ s }}'{{ ',' if not loop.last }}{% endfor %})
{%- endmacro %}


{#- Stable key of a description: its normalised letters only, hashed. Descriptions that
    differ only in numbers or punctuation ("Hex bolt - model 003") share a key, so each
    distinct text is scored once however many products carry it. -#}
{% macro text_fingerprint(column) -%}
    {{ return(adapter.dispatch('text_fingerprint', 'hsguard')(column)) }}
{%- endmacro %}

{% macro default__text_fingerprint(column) -%}
    {{ dbt.hash("trim(regexp_replace(" ~ hsguard.normalise_text(column) ~ ", '[^a-z]+', ' ', 'g'))") }}
{%- endmacro %}

{% macro duckdb__text_fingerprint(column) -%}
    md5(trim(regexp_replace({{ hsguard.normalise_text(column) }}, '[^a-z]+', ' ', 'g')))
{%- endmacro %}

{% macro spark__text_fingerprint(column) -%}
    md5(trim(regexp_replace({{ hsguard.normalise_text(column) }}, '[^a-z]+', ' ')))
{%- endmacro %}


{#- BM25 inverse document frequency of a term in `df` of `n` documents (always > 0). -#}
{% macro idf(df, n) -%}
    {{ return(adapter.dispatch('idf', 'hsguard')(df, n)) }}
{%- endmacro %}

{% macro default__idf(df, n) -%}
    ln(1.0 + (cast({{ n }} as double precision) - {{ df }} + 0.5) / (cast({{ df }} as double precision) + 0.5))
{%- endmacro %}

{% macro duckdb__idf(df, n) -%}
    ln(1.0 + (cast({{ n }} as double) - {{ df }} + 0.5) / (cast({{ df }} as double) + 0.5))
{%- endmacro %}

{% macro spark__idf(df, n) -%}
    ln(1.0 + (cast({{ n }} as double) - {{ df }} + 0.5) / (cast({{ df }} as double) + 0.5))
{%- endmacro %}


{#- GRI 1 score of a heading for a description: the sum, over the description's words
    found in the heading's text, of heading_weight (int_candidate_query_terms) x idf x
    field_weight (int_candidate_heading_terms). int_candidate_headings scores every
    heading with it and int_candidate_declared_support the declared one, so the two can
    never drift apart. Arguments: the aliases of the two relations. -#}
{#- A chapter's score for a description (GRI 1 read from the top: the words of the chapter's
    title, headings and lines, int_candidate_chapter_terms); shared by int_candidate_headings
    (chapter_share of the candidates) and int_candidate_declared_support (of the declared code). -#}
{% macro chapter_score(query_terms, chapter_terms) -%}
    round(sum({{ query_terms }}.heading_weight * {{ chapter_terms }}.idf), 9)
{%- endmacro %}


{% macro heading_score(query_terms, heading_terms) -%}
    round(sum({{ query_terms }}.heading_weight * {{ heading_terms }}.idf * {{ heading_terms }}.field_weight), 9)
{%- endmacro %}


{#- Keep the first `n` rows per partition in `order_by` order (adds column `rank`).
    `relation` is anything that can follow FROM. -#}
{% macro top_n_per_group(relation, partition_by, order_by, n, rank_column='rank') -%}
    {{ return(adapter.dispatch('top_n_per_group', 'hsguard')(relation, partition_by, order_by, n, rank_column)) }}
{%- endmacro %}

{% macro default__top_n_per_group(relation, partition_by, order_by, n, rank_column) -%}
    select * from (
        select ranked_rows.*,
            row_number() over (partition by {{ partition_by | join(', ') }} order by {{ order_by }}) as {{ rank_column }}
        from {{ relation }} as ranked_rows
    ) as numbered_rows
    where {{ rank_column }} <= {{ n }}
{%- endmacro %}

{% macro duckdb__top_n_per_group(relation, partition_by, order_by, n, rank_column) -%}
    select *, row_number() over (partition by {{ partition_by | join(', ') }} order by {{ order_by }}) as {{ rank_column }}
    from {{ relation }}
    qualify {{ rank_column }} <= {{ n }}
{%- endmacro %}


{#- The head phrase of a product description: the words before the first clause or
    preposition that starts its complements ("hydraulic relief valves", "a brake pad
    press | used in ...", "men's knit sweaters | made of ...", "microscopes | combined
    with ..."), after leading articles, numbers and quantity nouns ("a pair of", "five
    grades of"). A comma ends it too, unless the words before it are only a participle
    ("a chrome-plated, zinc alloy, ... hose nozzle"). Its last word is usually the head
    noun: what the product is (GRI 1 classifies by that first). -#}
{% macro head_phrase(column) -%}
    {{ return(adapter.dispatch('head_phrase', 'hsguard')(column)) }}
{%- endmacro %}

{% macro default__head_phrase(column) -%}
    case
        when substring({{ hsguard.normalise_text(column) }} from '{{ hsguard.head_phrase_pattern(true) }}') ~ '(ed|ing)\s*$'
            then substring({{ hsguard.normalise_text(column) }} from '{{ hsguard.head_phrase_pattern(false) }}')
        else substring({{ hsguard.normalise_text(column) }} from '{{ hsguard.head_phrase_pattern(true) }}')
    end
{%- endmacro %}

{% macro duckdb__head_phrase(column) -%}
    case
        when regexp_matches(regexp_extract({{ hsguard.normalise_text(column) }}, '{{ hsguard.head_phrase_pattern(true) }}', 1), '(ed|ing)\s*$')
            then regexp_extract({{ hsguard.normalise_text(column) }}, '{{ hsguard.head_phrase_pattern(false) }}', 1)
        else regexp_extract({{ hsguard.normalise_text(column) }}, '{{ hsguard.head_phrase_pattern(true) }}', 1)
    end
{%- endmacro %}

{% macro spark__head_phrase(column) -%}
    case
        when regexp_extract({{ hsguard.normalise_text(column) }}, '{{ hsguard.head_phrase_pattern(true) }}', 1) rlike '(ed|ing)\\s*$'
            then regexp_extract({{ hsguard.normalise_text(column) }}, '{{ hsguard.head_phrase_pattern(false) }}', 1)
        else regexp_extract({{ hsguard.normalise_text(column) }}, '{{ hsguard.head_phrase_pattern(true) }}', 1)
    end
{%- endmacro %}

{% macro head_phrase_pattern(comma_ends) -%}
    {%- set leading = "a|an|the|one|two|three|four|five|six|seven|eight|nine|ten|several|various|assorted|unfinished|finished|new|used|[0-9][0-9.,/x%-]*" -%}
    {%- set quantity = "pairs?|sets?|kits?|variety|varieties|grades?|types?|kinds?|styles?|models?|pieces?|pcs|units?|lots?|assortments?|boxes|box|cases?|packs?|rolls?|sheets?|bags?" -%}
    {%- set stops = "used|for|of|with|without|that|which|designed|made|consisting|containing|contains|including|includes|in|from|to|composed|comprising|featuring|having|has|intended|suitable|imported|manufactured|packaged|put|when|where|whose|being|is|are|on|by|as|designated|constructed|specifically|known" -%}
    {%- set participle = "[a-z]+ed[^a-z0-9]+(?:with|in|into|for|by|to|on|from|as|at)" -%}
    ^[^a-z0-9]*(?:(?:{{ leading }})[^a-z0-9]+)*(?:(?:{{ quantity }})[^a-z0-9]+of[^a-z0-9]+)?(?:(?:{{ leading }})[^a-z0-9]+)*(.*?)(?:[^a-z0-9-]+(?:{{ stops }}|{{ participle }})(?:[^a-z0-9]|$)|{{ '[,;:(]|' if comma_ends else '[;:(]|' }}$)
{%- endmacro %}


{#- Generic nouns that say little about what a product is: when one ends the head
    phrase ("radar system", "valve assembly"), the word before it is the head noun too. -#}
{% macro text_generic_nouns() -%}
    {{ return(['system', 'device', 'apparatus', 'assembly', 'unit', 'equipment', 'machine',
               'product', 'article', 'component', 'kit', 'set', 'accessory', 'accessories',
               'part', 'parts', 'piece', 'material', 'instrument', 'appliance', 'tool', 'tools',
               'item', 'module', 'structure', 'element', 'body', 'style', 'type']) }}
{%- endmacro %}


{#- Materials: decisive for the chapter and subheading wherever they are written
    ("... all made of plastic"), so they keep full weight outside the head phrase. -#}
{% macro text_material_words() -%}
    {{ return(['steel', 'iron', 'stainless', 'aluminum', 'copper', 'brass', 'bronze', 'zinc',
               'nickel', 'tin', 'lead', 'titanium', 'tungsten', 'molybdenum', 'magnesium',
               'cobalt', 'chromium', 'metal', 'gold', 'silver', 'platinum', 'plastic', 'plastics',
               'polyethylene', 'polypropylene', 'polystyrene', 'polyvinyl', 'pvc', 'vinyl',
               'polyurethane', 'polycarbonate', 'polyester', 'polyamide', 'nylon', 'acrylic',
               'rubber', 'silicone', 'wood', 'wooden', 'bamboo', 'rattan', 'cork', 'paper',
               'paperboard', 'cardboard', 'glass', 'ceramic', 'porcelain', 'stoneware', 'stone',
               'marble', 'granite', 'concrete', 'cement', 'plaster', 'leather', 'textile', 'cotton',
               'wool', 'silk', 'linen', 'flax', 'jute', 'hemp', 'cashmere', 'fur', 'felt',
               'rayon', 'viscose', 'spandex', 'elastane', 'fiberglass', 'graphite', 'carbon']) }}
{%- endmacro %}


{#- Negation in tariff texts. "Of aluminum, not alloyed", "Vests, other than sweater
    vests", "Apparel ...; not knitted or crocheted": the words in a negated span (after
    not / other than / excluding / except, up to the next punctuation or '>') are
    conditions the line excludes. Neutral phrases ("whether or not", "with or without",
    "or not") are removed first. affirmed_text is the text without the negated spans,
    negated_text the negated spans only. -#}
{% macro negation_pattern() -%}
    (?:^|[^a-z])(?:not|other than|excluding|except)[^a-z]([^,;:()>]*)
{%- endmacro %}

{% macro neutral_pattern() -%}
    (?:whether or not|with or without|or not)
{%- endmacro %}

{% macro affirmed_text(column) -%}
    {{ return(adapter.dispatch('affirmed_text', 'hsguard')(column)) }}
{%- endmacro %}

{% macro default__affirmed_text(column) -%}
    regexp_replace(regexp_replace(coalesce({{ column }}, ''), '{{ hsguard.neutral_pattern() }}', ' ', 'gi'),
        '{{ hsguard.negation_pattern() }}', ' ', 'gi')
{%- endmacro %}

{% macro duckdb__affirmed_text(column) -%}
    regexp_replace(regexp_replace(coalesce({{ column }}, ''), '{{ hsguard.neutral_pattern() }}', ' ', 'gi'),
        '{{ hsguard.negation_pattern() }}', ' ', 'gi')
{%- endmacro %}

{% macro spark__affirmed_text(column) -%}
    regexp_replace(regexp_replace(coalesce({{ column }}, ''), '(?i){{ hsguard.neutral_pattern() }}', ' '),
        '(?i){{ hsguard.negation_pattern() }}', ' ')
{%- endmacro %}

{% macro negated_text(column) -%}
    {{ return(adapter.dispatch('negated_text', 'hsguard')(column)) }}
{%- endmacro %}

{% macro default__negated_text(column) -%}
    array_to_string(array(
        select (regexp_matches(
            regexp_replace(coalesce({{ column }}, ''), '{{ hsguard.neutral_pattern() }}', ' ', 'gi'),
            '{{ hsguard.negation_pattern() }}', 'gi'))[1]
    ), ' ')
{%- endmacro %}

{% macro duckdb__negated_text(column) -%}
    array_to_string(regexp_extract_all(
        regexp_replace(coalesce({{ column }}, ''), '{{ hsguard.neutral_pattern() }}', ' ', 'gi'),
        '(?i){{ hsguard.negation_pattern() }}', 1), ' ')
{%- endmacro %}

{% macro spark__negated_text(column) -%}
    array_join(regexp_extract_all(
        regexp_replace(coalesce({{ column }}, ''), '(?i){{ hsguard.neutral_pattern() }}', ' '),
        '(?i){{ hsguard.negation_pattern() }}', 1), ' ')
{%- endmacro %}


{#- A code as printed in its tariff: HTSUS dotted (0101.21.00.10), CN in groups
    (0101 21 00), HS dotted (0101.21). -#}
{% macro candidate_code_display(scheme_column, code_column) -%}
    case
        when {{ scheme_column }} = 'HTSUS' then {{ hsguard.format_hts(code_column) }}
        when {{ scheme_column }} = 'CN' and length({{ code_column }}) = 8
            then substr({{ code_column }}, 1, 4) || ' ' || substr({{ code_column }}, 5, 2) || ' ' || substr({{ code_column }}, 7, 2)
        when length({{ code_column }}) = 6 then substr({{ code_column }}, 1, 4) || '.' || substr({{ code_column }}, 5, 2)
        else {{ code_column }}
    end
{%- endmacro %}
