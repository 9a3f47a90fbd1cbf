"""Load compiled modules (.tsm) and call their functions on NumPy arrays.

    session = tessera.runtime.Session("cpu?workers=2")
    module = tessera.runtime.Module.load("mlp.tsm")
    print(module.functions)            # [Function(@predict(...) -> ...)]
    y = session.call(module, "predict", x)

Inputs are read in place when they are C-contiguous, aligned and of the
exact dtype (otherwise copied); results are arrays that own the runtime's
buffers. Calls release the GIL: sessions on "cpu" run calls from several
Python threads side by side, and a session on a device that a call occupies
whole (task workers, a GPU) runs them one at a time.
"""

from tessera._runtime import (Dispatch, DispatchSummary, Function, Module,
                              Profile, ProfiledCall, Session, TensorType)

__all__ = ["Module", "Session", "Function", "TensorType", "Profile",
           "ProfiledCall", "Dispatch", "DispatchSummary"]
