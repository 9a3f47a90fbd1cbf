//===- GraphLayout.h - Layered drawing of a directed graph -----*- C++ -*-===//
//
// A Sugiyama-style layout for the dispatch graph: nodes in layers by
// longest path (sources pulled down next to their first reader), long edges
// broken into chains of dummy nodes so they route between nodes, layers
// ordered by alternating barycenter sweeps (the order with the fewest
// crossings kept), and x positions that pull each node towards its
// neighbours while keeping the order and spacing (isotonic regression per
// layer, so chains come out straight). No Qt: the benchmark and the tests
// run it alone.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_EXPLORER_GRAPHLAYOUT_H
#define TESSERA_EXPLORER_GRAPHLAYOUT_H

#include <vector>

namespace tessera::explorer {

struct LayoutPoint {
  double x = 0, y = 0;
};

struct LayoutSpacing {
  /// Between neighbouring nodes in a layer, and around edges passing by.
  double nodeGap = 40, edgeGap = 16;
  /// Between layers (room for the edge labels).
  double layerGap = 56;
  double margin = 20;
};

struct GraphLayout {
  /// Each node's center.
  std::vector<LayoutPoint> centers;
  /// Each edge's route: from the bottom of its source through the points
  /// where it crosses the layers in between to the top of its target.
  /// Back edges (cycles) go straight from source to target.
  std::vector<std::vector<LayoutPoint>> routes;
  /// The node's layer (0 at the top).
  std::vector<unsigned> layers;
  double width = 0, height = 0;
  /// Edge crossings left between neighbouring layers.
  unsigned crossings = 0;
};

struct LayoutSize {
  double width = 0, height = 0;
};
struct LayoutEdge {
  unsigned from = 0, to = 0;
};

/// Lays `nodes` (their sizes) out top to bottom along `edges`.
GraphLayout layoutLayered(const std::vector<LayoutSize> &nodes,
                          const std::vector<LayoutEdge> &edges,
                          const LayoutSpacing &spacing = {});

} // namespace tessera::explorer

#endif // TESSERA_EXPLORER_GRAPHLAYOUT_H
