"""典型案例通报 Circulars of typical cases of poor, perfunctory, fake or refused rectification."""
