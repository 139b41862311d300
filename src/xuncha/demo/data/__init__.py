"""The invented county's data, written as the planning service's import files read it: the
registry of orgs (``orgs``), the talent pool (``pool``) and the village indicators
(``villages``). The demo loads it; the planning service's tests and the browser and
distributed tests build their counties from it too. Deterministic for a seed."""
