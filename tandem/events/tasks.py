"""Events send their mail through tandem.core.mail (queued on commit); no task of their own."""
