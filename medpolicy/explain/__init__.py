"""The explanation graph of a decision and its renderers (networkx is imported here only).

``medpolicy.explain`` is both this package and the public function
``explain(decider, case)`` of DESIGN.md's Python API. Importing a subpackage
sets it as an attribute of its parent, which would hide the function, so the
package module itself is callable and forwards to
``medpolicy.explain.explanation.explain`` (a module ``__class__`` swap, as
Python allows since 3.5).
"""

from __future__ import annotations

import sys
import types
from typing import Any


class _CallableModule(types.ModuleType):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from medpolicy.explain.explanation import explain

        return explain(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
