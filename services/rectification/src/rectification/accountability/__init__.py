"""Accountability (追责问责) for weak, perfunctory, fake or refused rectification: who was held
accountable (roster entries, their rank kept), in which form, by whom and on what basis."""
