//===- GraphLayout.cpp - Layered drawing of a directed graph --------------===//

#include "GraphLayout.h"

#include <algorithm>
#include <cstdint>
#include <limits>

namespace tessera::explorer {

namespace {

constexpr unsigned kUnplaced = UINT32_MAX;
/// Ordering sweeps: at most this many, and stop after this many without a
/// better order.
constexpr unsigned kMaxSweeps = 24, kPatience = 4;
constexpr unsigned kPlacementRounds = 8;

/// A node of the layered graph: a real node, or a dummy where a long edge
/// crosses a layer.
struct LayerNode {
  unsigned layer = 0;
  double width = 0, height = 0;
  bool dummy = false;
  std::vector<unsigned> up, down;
};

/// Longest-path layers in a topological order; edges against that order
/// (cycles, which dispatch graphs do not have) are marked backward.
std::vector<unsigned> assignLayers(unsigned count,
                                   const std::vector<LayoutEdge> &edges,
                                   std::vector<bool> &forward) {
  std::vector<std::vector<unsigned>> out(count), in(count);
  std::vector<unsigned> pending(count, 0);
  for (unsigned e = 0; e < edges.size(); ++e) {
    if (edges[e].from == edges[e].to)
      continue;
    out[edges[e].from].push_back(e);
    in[edges[e].to].push_back(e);
    ++pending[edges[e].to];
  }
  std::vector<unsigned> order, position(count, kUnplaced), ready;
  unsigned nextUnplaced = 0;
  while (order.size() < count) {
    if (ready.empty()) {
      // Sources first, in index order; inside a cycle the lowest index
      // breaks it.
      for (unsigned v = count; v-- > 0;)
        if (position[v] == kUnplaced && pending[v] == 0)
          ready.push_back(v);
      if (ready.empty()) {
        while (position[nextUnplaced] != kUnplaced)
          ++nextUnplaced;
        ready.push_back(nextUnplaced);
      }
    }
    unsigned v = ready.back();
    ready.pop_back();
    if (position[v] != kUnplaced)
      continue;
    position[v] = order.size();
    order.push_back(v);
    for (unsigned e : out[v])
      if (--pending[edges[e].to] == 0 && position[edges[e].to] == kUnplaced)
        ready.push_back(edges[e].to);
  }
  forward.assign(edges.size(), false);
  for (unsigned e = 0; e < edges.size(); ++e)
    forward[e] = position[edges[e].from] < position[edges[e].to];
  std::vector<unsigned> layer(count, 0);
  for (unsigned v : order)
    for (unsigned e : in[v])
      if (forward[e])
        layer[v] = std::max(layer[v], layer[edges[e].from] + 1);
  // A source (an input) sits just above its first reader rather than at
  // the top with a long edge down.
  for (unsigned v = 0; v < count; ++v) {
    if (std::any_of(in[v].begin(), in[v].end(),
                    [&](unsigned e) { return forward[e]; }))
      continue;
    unsigned first = kUnplaced;
    for (unsigned e : out[v])
      if (forward[e])
        first = std::min(first, layer[edges[e].to]);
    if (first != kUnplaced && first > 0)
      layer[v] = first - 1;
  }
  return layer;
}

/// Crossings between the edges from layer `upper` to the next, given each
/// node's position in its layer: inversions counted with a Fenwick tree.
unsigned countCrossings(const std::vector<LayerNode> &nodes,
                        const std::vector<unsigned> &upper,
                        const std::vector<unsigned> &position,
                        unsigned lowerSize) {
  std::vector<std::pair<unsigned, unsigned>> segments;
  for (unsigned u : upper)
    for (unsigned v : nodes[u].down)
      segments.push_back({position[u], position[v]});
  std::sort(segments.begin(), segments.end());
  std::vector<unsigned> tree(lowerSize + 1, 0);
  unsigned crossings = 0, seen = 0;
  for (auto [from, to] : segments) {
    // Segments seen so far that end right of `to` cross this one.
    unsigned notRight = 0;
    for (unsigned i = to + 1; i > 0; i -= i & -i)
      notRight += tree[i];
    crossings += seen - notRight;
    for (unsigned i = to + 1; i <= lowerSize; i += i & -i)
      ++tree[i];
    ++seen;
  }
  return crossings;
}

unsigned totalCrossings(const std::vector<LayerNode> &nodes,
                        const std::vector<std::vector<unsigned>> &layers,
                        const std::vector<unsigned> &position) {
  unsigned total = 0;
  for (unsigned l = 0; l + 1 < layers.size(); ++l)
    total += countCrossings(nodes, layers[l], position, layers[l + 1].size());
  return total;
}

/// Orders each layer by the mean position of its neighbours in the layer
/// above (downwards) or below (upwards); nodes without such neighbours keep
/// their place.
void sweep(const std::vector<LayerNode> &nodes,
           std::vector<std::vector<unsigned>> &layers,
           std::vector<unsigned> &position, bool downwards) {
  unsigned count = layers.size();
  std::vector<std::pair<double, unsigned>> keyed;
  for (unsigned step = 1; step < count; ++step) {
    unsigned l = downwards ? step : count - 1 - step;
    keyed.clear();
    for (unsigned v : layers[l]) {
      const std::vector<unsigned> &neighbours =
          downwards ? nodes[v].up : nodes[v].down;
      double key = position[v];
      if (!neighbours.empty()) {
        double sum = 0;
        for (unsigned n : neighbours)
          sum += position[n];
        key = sum / neighbours.size();
      }
      keyed.push_back({key, v});
    }
    std::stable_sort(
        keyed.begin(), keyed.end(),
        [](const auto &a, const auto &b) { return a.first < b.first; });
    for (unsigned i = 0; i < keyed.size(); ++i) {
      layers[l][i] = keyed[i].second;
      position[keyed[i].second] = i;
    }
  }
}

/// Places one layer's nodes as close to `desired` as their order and
/// spacing allow (weighted least squares): with x_i = z_i + offset_i, the
/// constraints become z non-decreasing, which pool-adjacent-violators
/// solves exactly.
void placeLayer(const std::vector<unsigned> &layer,
                const std::vector<double> &desired,
                const std::vector<double> &weight,
                const std::vector<double> &gapBefore, std::vector<double> &x) {
  struct Block {
    double weight, weightedSum;
    unsigned count;
  };
  std::vector<Block> blocks;
  double offset = 0;
  std::vector<double> offsets(layer.size());
  for (unsigned i = 0; i < layer.size(); ++i) {
    offset += gapBefore[i];
    offsets[i] = offset;
    double w = weight[i];
    blocks.push_back({w, w * (desired[i] - offset), 1});
    while (blocks.size() > 1) {
      Block &last = blocks.back(), &previous = blocks[blocks.size() - 2];
      if (previous.weightedSum / previous.weight <
          last.weightedSum / last.weight)
        break;
      previous.weight += last.weight;
      previous.weightedSum += last.weightedSum;
      previous.count += last.count;
      blocks.pop_back();
    }
  }
  unsigned i = 0;
  for (const Block &block : blocks)
    for (unsigned k = 0; k < block.count; ++k, ++i)
      x[layer[i]] = block.weightedSum / block.weight + offsets[i];
}

} // namespace

GraphLayout layoutLayered(const std::vector<LayoutSize> &sizes,
                          const std::vector<LayoutEdge> &edges,
                          const LayoutSpacing &spacing) {
  GraphLayout layout;
  unsigned count = sizes.size();
  if (count == 0)
    return layout;
  std::vector<bool> forward;
  layout.layers = assignLayers(count, edges, forward);

  // The layered graph: real nodes first, then a dummy per layer a long
  // edge crosses.
  std::vector<LayerNode> nodes(count);
  for (unsigned v = 0; v < count; ++v) {
    nodes[v].layer = layout.layers[v];
    nodes[v].width = sizes[v].width;
    nodes[v].height = sizes[v].height;
  }
  std::vector<std::vector<unsigned>> chains(edges.size());
  for (unsigned e = 0; e < edges.size(); ++e) {
    if (!forward[e])
      continue;
    unsigned previous = edges[e].from;
    for (unsigned l = layout.layers[edges[e].from] + 1;
         l < layout.layers[edges[e].to]; ++l) {
      LayerNode dummy;
      dummy.layer = l;
      dummy.dummy = true;
      nodes.push_back(dummy);
      unsigned d = nodes.size() - 1;
      chains[e].push_back(d);
      nodes[previous].down.push_back(d);
      nodes[d].up.push_back(previous);
      previous = d;
    }
    nodes[previous].down.push_back(edges[e].to);
    nodes[edges[e].to].up.push_back(previous);
  }
  unsigned layerCount =
      *std::max_element(layout.layers.begin(), layout.layers.end()) + 1;
  std::vector<std::vector<unsigned>> layers(layerCount);
  for (unsigned v = 0; v < nodes.size(); ++v)
    layers[nodes[v].layer].push_back(v);
  std::vector<unsigned> position(nodes.size());
  for (const std::vector<unsigned> &layer : layers)
    for (unsigned i = 0; i < layer.size(); ++i)
      position[layer[i]] = i;

  // Order: alternate sweeps, keep the best.
  std::vector<std::vector<unsigned>> best = layers;
  unsigned bestCrossings = totalCrossings(nodes, layers, position);
  for (unsigned s = 0, stale = 0;
       s < kMaxSweeps && stale < kPatience && bestCrossings > 0; ++s) {
    sweep(nodes, layers, position, s % 2 == 0);
    unsigned crossings = totalCrossings(nodes, layers, position);
    if (crossings < bestCrossings) {
      bestCrossings = crossings, best = layers, stale = 0;
    } else {
      ++stale;
    }
  }
  layers = std::move(best);
  for (const std::vector<unsigned> &layer : layers)
    for (unsigned i = 0; i < layer.size(); ++i)
      position[layer[i]] = i;
  layout.crossings = bestCrossings;

  // x: packed and centered, then pulled towards the neighbours.
  std::vector<std::vector<double>> gaps(layerCount);
  std::vector<double> x(nodes.size(), 0);
  for (unsigned l = 0; l < layerCount; ++l) {
    const std::vector<unsigned> &layer = layers[l];
    gaps[l].assign(layer.size(), 0);
    for (unsigned i = 1; i < layer.size(); ++i) {
      const LayerNode &a = nodes[layer[i - 1]], &b = nodes[layer[i]];
      double gap = a.dummy && b.dummy ? spacing.edgeGap
                   : a.dummy || b.dummy
                       ? (spacing.edgeGap + spacing.nodeGap) / 2
                       : spacing.nodeGap;
      gaps[l][i] = (a.width + b.width) / 2 + gap;
    }
    double total = 0;
    for (unsigned i = 0; i < layer.size(); ++i) {
      total += gaps[l][i];
      x[layer[i]] = total;
    }
    for (unsigned v : layer)
      x[v] -= total / 2;
  }
  std::vector<double> desired, weight;
  auto place = [&](unsigned l, bool useUp, bool useDown) {
    const std::vector<unsigned> &layer = layers[l];
    desired.assign(layer.size(), 0);
    weight.assign(layer.size(), 0);
    for (unsigned i = 0; i < layer.size(); ++i) {
      const LayerNode &node = nodes[layer[i]];
      // A real node follows its real neighbours (a chain stays straight
      // and long edges bow out around it); one reached only through long
      // edges, and a dummy, follow theirs.
      double sum = 0, realSum = 0;
      unsigned neighbours = 0, real = 0;
      auto add = [&](const std::vector<unsigned> &others) {
        for (unsigned n : others) {
          sum += x[n], ++neighbours;
          if (!nodes[n].dummy)
            realSum += x[n], ++real;
        }
      };
      if (useUp)
        add(node.up);
      if (useDown)
        add(node.down);
      if (!node.dummy && real)
        desired[i] = realSum / real;
      else
        desired[i] = neighbours ? sum / neighbours : x[layer[i]];
      // Real nodes hold their place against dummies; a node with no
      // neighbour this way stays where it is, lightly held.
      weight[i] = !neighbours ? 0.25 : node.dummy ? 1.0 : 64.0;
    }
    placeLayer(layer, desired, weight, gaps[l], x);
  };
  for (unsigned round = 0; round < kPlacementRounds; ++round) {
    for (unsigned l = 1; l < layerCount; ++l)
      place(l, true, false);
    for (unsigned l = layerCount - 1; l-- > 0;)
      place(l, false, true);
  }
  for (unsigned l = 0; l < layerCount; ++l)
    place(l, true, true);

  // Shift into the positive quadrant; y by layer.
  double left = std::numeric_limits<double>::max(), right = 0;
  for (unsigned v = 0; v < nodes.size(); ++v)
    left = std::min(left, x[v] - nodes[v].width / 2);
  for (unsigned v = 0; v < nodes.size(); ++v) {
    x[v] += spacing.margin - left;
    right = std::max(right, x[v] + nodes[v].width / 2);
  }
  std::vector<double> top(layerCount), height(layerCount, 0);
  for (unsigned v = 0; v < count; ++v)
    height[nodes[v].layer] = std::max(height[nodes[v].layer], nodes[v].height);
  double y = spacing.margin;
  for (unsigned l = 0; l < layerCount; ++l) {
    top[l] = y;
    y += height[l] + spacing.layerGap;
  }
  layout.width = right + spacing.margin;
  layout.height = y - spacing.layerGap + spacing.margin;
  layout.centers.resize(count);
  for (unsigned v = 0; v < count; ++v)
    layout.centers[v] = {x[v],
                         top[nodes[v].layer] + height[nodes[v].layer] / 2};

  layout.routes.resize(edges.size());
  for (unsigned e = 0; e < edges.size(); ++e) {
    unsigned from = edges[e].from, to = edges[e].to;
    std::vector<LayoutPoint> &route = layout.routes[e];
    route.push_back({x[from], layout.centers[from].y + sizes[from].height / 2});
    for (unsigned d : chains[e]) {
      route.push_back({x[d], top[nodes[d].layer]});
      route.push_back({x[d], top[nodes[d].layer] + height[nodes[d].layer]});
    }
    route.push_back({x[to], layout.centers[to].y - sizes[to].height / 2});
  }
  return layout;
}

} // namespace tessera::explorer
