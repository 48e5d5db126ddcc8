"""Optional speed: the pipeline works without any of this, and gives the same bytes.

The cache (card files whose inputs are unchanged are not checked again), the
notes memo (nor their notes made again), the stamp (a build of unchanged inputs
writes nothing) and the workers (card files checked, and their notes made, on
every core) plug in at the pipeline's edge, in fast.py. Nothing here
is imported by a stage; everything kept on disk lives in the user's cache
folder, never in the deck's repository, and is data only.
"""
