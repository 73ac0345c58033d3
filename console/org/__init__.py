"""Authorities, routing and scope: the tree of bureaus, which bureau manages a place, who may read and decide what, and units."""
