-- Every tariff line's parent is a line of the same scheme and edition.
select child.scheme, child.edition, child.code, child.parent_code
from {{ ref('dim_tariff_lines') }} as child
left join {{ ref('dim_tariff_lines') }} as parent
    on child.scheme = parent.scheme
    and child.edition = parent.edition
    and child.parent_code = parent.code
where child.parent_code is not null
    and parent.code is null
