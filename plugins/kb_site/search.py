"""MkDocs glue for reading queries as customers type them: Material's search worker wrapped by kb's.

The page's <head> gets a script that, when Material's bundle starts its search worker
(assets/javascripts/workers/search.<hash>.min.js), starts kb-search.js from the same folder instead, naming
Material's worker; kb-search.js (assets/kb-search-worker.js here) loads it and rewrites each query first.
"""

from __future__ import annotations

import shutil
from pathlib import Path

WORKER_SOURCE = Path(__file__).resolve().parent / "assets" / "kb-search-worker.js"
WORKER_NAME = "kb-search.js"

_SWAP_WORKER = (
    "<script>(function(){var W=window.Worker;if(!W||W.__kb)return;"
    "var K=function(url,options){var u=String(url);"
    "var m=/(^|\\/)(search\\.[0-9a-f]+\\.min\\.js)(\\?.*)?$/.exec(u);"
    'if(m)u=u.slice(0,u.length-m[0].length)+m[1]+"' + WORKER_NAME + '?material="+m[2];'
    "return new W(u,options)};K.prototype=W.prototype;K.__kb=true;window.Worker=K})()</script>"
)


def read_queries_as_typed(output: str) -> str:
    """The page's HTML starting kb's search worker in place of Material's."""
    if "</head>" not in output:
        return output
    return output.replace("</head>", _SWAP_WORKER + "</head>", 1)


def write_search_worker(site: Path) -> None:
    """kb-search.js beside Material's search worker (its relative imports of Lunr's languages then still work)."""
    folder = site / "assets" / "javascripts" / "workers"
    if folder.is_dir():
        shutil.copyfile(WORKER_SOURCE, folder / WORKER_NAME)
