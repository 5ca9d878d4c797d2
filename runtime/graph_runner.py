"""Rasa's prediction graph run node by node in a fixed order, without dask's scheduler for each run.

Rasa 3.6 runs its graph with ``dask.get`` for every parse and every action
prediction (about four runs per message): it builds the minimal schema for the
targets, a dask graph, orders it and schedules every node, each time. For a
graph of 8 to 20 nodes that runs one after the other anyway, that costs about a
millisecond per run on this machine (13 % of the event loop's time at 50 users).

``sequential_run`` computes the order once per set of targets (the minimal
schema's nodes, each after the nodes it needs, in the order dask would call
them) and then calls the same ``GraphNode`` objects with the same arguments:
each node gets ``(name, output)`` of every node it needs, in the order of its
``needs``, and the inputs as ``(name, value)``, as dask passes them. An error in
a node is raised as Rasa's runner raises it. ``tests/test_runtime_graph_runner.py``
runs both on the trained model's graph.
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

Plan = Tuple[Tuple[str, Tuple[str, ...]], ...]


def execution_plan(schema: Any, targets: Sequence[str]) -> Plan:
    """The nodes needed for ``targets``, each after the nodes it needs, with its inputs' names.

    Args:
        schema: Rasa's ``GraphSchema`` (the runner's whole schema).
        targets: The nodes whose outputs are wanted.

    Returns:
        ``(node name, names of what it needs in the order of its parameters)`` per node.
    """
    minimal = schema.minimal_graph_schema(list(targets))
    nodes = minimal.nodes
    order: List[str] = []
    state: Dict[str, bool] = {}

    def visit(name: str) -> None:
        stack: List[Tuple[str, bool]] = [(name, False)]
        while stack:
            current, expanded = stack.pop()
            if expanded:
                state[current] = True
                order.append(current)
                continue
            if current in state:
                continue
            state[current] = False
            stack.append((current, True))
            for needed in reversed(list(nodes[current].needs.values())):
                if needed in nodes and needed not in state:
                    stack.append((needed, False))

    for target in targets:
        visit(target)
    return tuple((name, tuple(nodes[name].needs.values())) for name in order)


def sequential_run(original: Callable[..., Dict[str, Any]]) -> Callable[..., Dict[str, Any]]:
    """``DaskGraphRunner.run`` that calls the graph's nodes in a fixed order, planned once per target set.

    Args:
        original: Rasa's ``run`` (used for an input whose name is a node's name, which it refuses).

    Returns:
        The replacement (same signature, results and errors).
    """
    lock = threading.Lock()

    def run(self: Any, inputs: Optional[Dict[str, Any]] = None,
            targets: Optional[List[str]] = None) -> Dict[str, Any]:
        from rasa.engine.exceptions import GraphRunError

        run_targets = tuple(targets if targets else self._graph_schema.target_names)
        plans: Dict[Tuple[str, ...], Plan] = self.__dict__.setdefault("_bvo_plans", {})
        plan = plans.get(run_targets)
        if plan is None:
            with lock:
                plan = plans.get(run_targets) or execution_plan(self._graph_schema, run_targets)
                plans[run_targets] = plan
        values: Dict[str, Any] = {}
        planned = {name for name, _ in plan}
        for name, value in (inputs or {}).items():
            if isinstance(value, str) and value in planned:
                return original(self, inputs, targets)  # Rasa raises its clash error
            values[name] = (name, value)
        nodes = self._instantiated_nodes
        for name, needs in plan:
            if name in values:
                continue  # an input given under a node's name replaces the node, as in dask
            try:
                values[name] = nodes[name](*(values.get(needed, needed) for needed in needs))
            except RuntimeError as error:  # as Rasa's runner: dask re-raises a node's error unchanged
                raise GraphRunError("Error running runner.") from error
        return dict(values[target] for target in run_targets)

    run.__doc__ = original.__doc__
    run.__wrapped__ = original  # type: ignore[attr-defined]
    return run
