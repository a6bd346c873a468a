"""Developments and instrument tracks: the pipeline's GROUP step (spider -> extract -> language ->
tag -> group -> store) and what the tracker surfaces read.

A *development* is one legal event (a jurisdiction, an instrument, a stage with its reading, a few
days) reported by one or many articles in any language and outlet; an *instrument track* is the
chain of developments of one instrument. `keys` turns an article into grouping features (the
multilingual instrument vocabulary is data: instruments.yaml), `grouping` groups features into
developments, `step` keeps a store's developments up to date as articles are stored (and rebuilds
them), `tracks` chains developments into tracks for the tracker, the web page, digests and exports.
"""
from lexwatch.developments.model import Development, Member, Track

__all__ = ["Development", "Member", "Track"]
