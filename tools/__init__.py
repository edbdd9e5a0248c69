"""Tools around the library, not part of it: the local Neo4j development server
(``policykg neo4j-dev``, tools/neo4j_dev.py), the offline build of the embedding
model (``python -m tools.model_build``, tools/model_build.py) and the generator
of docs/errors.md (``python -m tools.errors_page``, tools/errors_page.py).

They may import any layer (ingest, graph, search); the library reaches a tool
only through a function-level import where it must (search/model_home.py builds
a missing model on first use).
"""
