//===- CoreLatency.h - A cache line between two CPUs ------------*- C++ -*-===//
//
// What "two threads" means on the machine at the time of a measurement: on
// a CPU of several core complexes (AMD's CCDs), or a virtual machine whose
// host moves its vCPUs between them, two cores share an L3 cache or not, and
// every tensor one worker writes and the other reads crosses between them at
// that cost. A round trip of one cache line between two threads pinned to
// the first two CPUs the process may use reads about 60 ns on one AMD EPYC
// core complex and 350 ns across two (bench/RESULTS.md, twentieth round).
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_BENCH_CORELATENCY_H
#define TESSERA_BENCH_CORELATENCY_H

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <memory>
#include <thread>
#include <vector>

namespace tessera::bench {

/// The median over `batches` of the mean round trip, in nanoseconds, of one
/// cache line passed back and forth `trips` times between two threads
/// pinned to the first two CPUs this process may run on; NaN with fewer
/// than two.
inline double coreRoundTripNanoseconds(int trips = 20000, int batches = 5) {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0)
    return std::nan("");
  std::vector<int> cpus;
  for (int cpu = 0; cpu < CPU_SETSIZE && cpus.size() < 2; ++cpu)
    if (CPU_ISSET(cpu, &allowed))
      cpus.push_back(cpu);
  if (cpus.size() < 2)
    return std::nan("");
  auto pin = [](int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
  };
  // The line both threads spin on, alone in its cache line (nothing else
  // the partner reads may share it).
  struct alignas(64) Line {
    std::atomic<long> value{0};
    char padding[64 - sizeof(std::atomic<long>)];
  };
  auto line = std::make_unique<Line>();
  std::atomic<long> &turn = line->value;
  long total = long(trips) * batches;
  int partnerCpu = cpus[1];
  std::thread partner([&turn, total, partnerCpu, pin] {
    pin(partnerCpu);
    for (long i = 0; i < total; ++i) {
      while (turn.load(std::memory_order_acquire) != 2 * i + 1) {
      }
      turn.store(2 * i + 2);
    }
  });
  // The stores are sequentially consistent (an exchange on x86): a plain
  // store that waits in the store buffer added about 20 ns a trip.
  pin(cpus[0]);
  std::vector<double> means;
  for (int batch = 0; batch < batches; ++batch) {
    auto start = std::chrono::steady_clock::now();
    for (long i = long(batch) * trips; i < long(batch + 1) * trips; ++i) {
      while (turn.load(std::memory_order_acquire) != 2 * i) {
      }
      turn.store(2 * i + 1);
    }
    while (turn.load(std::memory_order_acquire) !=
           2 * long(batch + 1) * trips) {
    }
    std::chrono::duration<double, std::nano> elapsed =
        std::chrono::steady_clock::now() - start;
    means.push_back(elapsed.count() / trips);
  }
  partner.join();
  // This thread's affinity back to what the process had.
  pthread_setaffinity_np(pthread_self(), sizeof allowed, &allowed);
  std::sort(means.begin(), means.end());
  return means[means.size() / 2];
}

} // namespace tessera::bench

#endif // TESSERA_BENCH_CORELATENCY_H
