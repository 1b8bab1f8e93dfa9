"""SnapStart runtime hooks for Python functions, with the API of AWS's snapshot-restore-py package.

A function registers callables to run before its initialised environment is snapshotted and after each
restore, either as decorators or as plain calls with arguments:

    from snapshot_restore_py import register_before_snapshot, register_after_restore

    @register_before_snapshot
    def close_connections():
        ...

    register_after_restore(reseed, 42)

The runtime runs them only when AWS_LAMBDA_INITIALIZATION_TYPE is snap-start: the before-snapshot
callables once, after init, last registered first; the after-restore callables in every restored
environment, in registration order. Registering returns the callable unchanged, so a decorated function
can still be called directly.
"""

_before_snapshot = []
_after_restore = []


def register_before_snapshot(func, *args, **kwargs):
    """Runs func(*args, **kwargs) before the snapshot is taken (last registered runs first)."""
    _before_snapshot.append((func, args, kwargs))
    return func


def register_after_restore(func, *args, **kwargs):
    """Runs func(*args, **kwargs) after each restore (first registered runs first)."""
    _after_restore.append((func, args, kwargs))
    return func


def get_before_snapshot():
    """The registered before-snapshot callables as (func, args, kwargs), in registration order."""
    return _before_snapshot


def get_after_restore():
    """The registered after-restore callables as (func, args, kwargs), in registration order."""
    return _after_restore
