-- marts.fct_product_risk: every risk_score is within 0..100, and 0 exactly when the
-- product has no open flag (overridden flags do not count).
select sku, risk_score, open_flags
from {{ ref('fct_product_risk') }}
where risk_score is null
    or risk_score < 0
    or risk_score > 100
    or (open_flags = 0) != (risk_score = 0)
