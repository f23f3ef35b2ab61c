-- Every declarable HTSUS and CN line of chapters 01-97 starts with a valid HS 2022
-- subheading (the first six digits are the internationally harmonised part). Chapters
-- 98 and 99 are national special provisions with no HS counterpart.
select line.scheme, line.edition, line.code
from {{ ref('dim_tariff_lines') }} as line
left join {{ ref('dim_tariff_lines') }} as hs
    on hs.scheme = 'HS'
    and hs.edition = '2022'
    and hs.code_level = 6
    and hs.code = substr(line.code, 1, 6)
where line.scheme in ('HTSUS', 'CN')
    and line.is_declarable
    and substr(line.code, 1, 2) < '98'
    and hs.code is null
