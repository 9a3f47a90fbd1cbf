//===- RuntimeModule.cpp - tessera._runtime: load and call modules --------===//
//
// The Python face of the runtime (tessera.runtime re-exports it): Module
// (verified module bytes and their signatures), Session (a device that
// loads modules on first use and calls their functions on NumPy arrays),
// and profiles made by the tooling every tool shares (Profile.h). Calls
// release the GIL. A session on a device that one call occupies whole (a
// CPU with task workers, a GPU queue) runs its calls one at a time; on the
// inline CPU they run side by side.
//
//===----------------------------------------------------------------------===//

#include "NumpyTensors.h"
#include "PythonErrors.h"

#include "Profile.h"
#include "tessera/runtime/FileRead.h"
#include "tessera/runtime/Session.h"

#include <pybind11/stl.h>

#include <cerrno>
#include <cstdio>
#include <mutex>
#include <unistd.h>

namespace py = pybind11;
using namespace tessera;

namespace {

/// tessera.runtime.Module: verified module bytes, loaded on each session's
/// devices when first called there.
class ModuleFile {
public:
  static std::shared_ptr<ModuleFile> fromBytes(std::string bytes,
                                               std::string name) {
    auto signatures = rt::Module::readSignatures(bytes.data(), bytes.size());
    if (!signatures)
      python::raiseTesseraError("LoadError",
                                name + ": " + signatures.status().message());
    auto module = std::make_shared<ModuleFile>();
    module->name = std::move(name);
    module->bytes = std::move(bytes);
    module->functions = std::move(*signatures);
    return module;
  }

  static std::shared_ptr<ModuleFile> load(py::object source,
                                          std::optional<std::string> name) {
    if (py::isinstance<py::bytes>(source) ||
        py::isinstance<py::bytearray>(source) ||
        py::isinstance<py::memoryview>(source)) {
      std::string bytes =
          py::bytes(py::module_::import("builtins").attr("bytes")(source));
      return fromBytes(std::move(bytes), name.value_or("<memory>"));
    }
    if (!py::isinstance<py::str>(source) && !py::hasattr(source, "__fspath__"))
      throw py::type_error(
          "Module.load takes a path or the module's bytes, "
          "not " +
          std::string(py::str(py::type::handle_of(source).attr("__name__"))));
    std::string path =
        py::str(py::module_::import("os").attr("fspath")(source));
    if (!py::module_::import("os")
             .attr("path")
             .attr("exists")(path)
             .cast<bool>()) {
      PyErr_SetObject(PyExc_FileNotFoundError,
                      py::make_tuple(2, "no such module file", path).ptr());
      throw py::error_already_set();
    }
    std::string bytes;
    rt::Status status;
    {
      py::gil_scoped_release release;
      auto file = rt::RegularFile::open(path);
      if (!file) {
        status = file.status();
      } else {
        bytes.resize(file->size());
        status = file->readAll(bytes.data());
      }
    }
    if (!status)
      python::raiseTesseraError("LoadError", status.message());
    return fromBytes(std::move(bytes), name.value_or(path));
  }

  /// The function `functionName` names ("predict" or "@predict").
  const rt::FunctionSignature &function(std::string functionName) const {
    if (!functionName.empty() && functionName.front() == '@')
      functionName.erase(0, 1);
    for (const rt::FunctionSignature &function : functions)
      if (function.name == functionName)
        return function;
    std::string known;
    for (const rt::FunctionSignature &function : functions)
      known += (known.empty() ? "" : ", ") + function.name;
    throw py::value_error(
        "module " + name + " has no function '" + functionName + "'" +
        (known.empty() ? " (it has none)" : "; it has: " + known));
  }

  /// The module loaded by `runtime` (a session's), loading it the first
  /// time; `identity` ends with the session.
  std::shared_ptr<rt::Module> loadedBy(const rt::Runtime &runtime,
                                       const std::shared_ptr<int> &identity) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      for (auto it = loaded.begin(); it != loaded.end();) {
        std::shared_ptr<int> owner = it->first.lock();
        if (!owner) {
          it = loaded.erase(it);
          continue;
        }
        if (owner == identity)
          return it->second;
        ++it;
      }
    }
    std::optional<rt::StatusOr<std::shared_ptr<rt::Module>>> module;
    {
      py::gil_scoped_release release;
      module = runtime.loadModule(bytes.data(), bytes.size(), name);
    }
    if (!*module)
      python::raiseTesseraError("LoadError", module->status().message());
    std::lock_guard<std::mutex> lock(mutex);
    loaded.emplace_back(identity, **module);
    return **module;
  }

  std::string name;
  std::string bytes;
  std::vector<rt::FunctionSignature> functions;

private:
  std::mutex mutex;
  std::vector<std::pair<std::weak_ptr<int>, std::shared_ptr<rt::Module>>>
      loaded;
};

/// A profile with its last call's results as NumPy.
struct PythonProfile {
  rt::tooling::Profile profile;
  py::object results;
};

/// tessera.runtime.Session.
class PythonSession {
public:
  explicit PythonSession(const std::string &device) : spec(device) {
    std::optional<rt::StatusOr<rt::Runtime>> created;
    {
      py::gil_scoped_release release;
      created = rt::Runtime::create(device);
    }
    if (!*created)
      python::raiseTesseraError("DeviceError", (*created).status().message());
    runtime = std::make_unique<rt::Runtime>(std::move(**created));
    // The inline CPU keeps no state between calls; task workers and a GPU
    // queue serve one call at a time.
    oneCallAtATime = runtime->devices().size() > 1 ||
                     device.find("workers=") != std::string::npos;
  }

  void load(ModuleFile &module) { module.loadedBy(*open(), identity); }

  /// Releases the devices and what modules loaded on them; later calls
  /// raise. Waits for calls running on other threads.
  void close() {
    std::optional<py::gil_scoped_release> release;
    release.emplace();
    std::lock_guard<std::mutex> lock(callMutex);
    release.reset();
    identity = std::make_shared<int>(0);
    runtime.reset();
  }

  const rt::Runtime *open() const {
    if (!runtime)
      python::raiseTesseraError("DeviceError",
                                "the session on " + spec + " is closed");
    return runtime.get();
  }

  py::object call(ModuleFile &module, const std::string &functionName,
                  const py::args &args, const py::kwargs &keywords) {
    if (keywords.size())
      throw py::type_error(
          "Session.call takes the function's arguments by position; got "
          "the keyword '" +
          std::string(py::str(keywords.begin()->first)) + "'");
    const rt::FunctionSignature &function = module.function(functionName);
    std::string where = module.name + "." + function.name;
    python::CallInputs inputs = python::toCallInputs(function, where, args);
    std::shared_ptr<rt::Module> loaded = module.loadedBy(*open(), identity);
    std::optional<rt::StatusOr<std::vector<rt::Tensor>>> results;
    {
      py::gil_scoped_release release;
      std::unique_lock<std::mutex> lock(callMutex, std::defer_lock);
      if (oneCallAtATime)
        lock.lock();
      rt::Session session(loaded);
      results = session.call(function.name, inputs.tensors);
    }
    if (!*results)
      python::raiseTesseraError("CallError",
                                where + ": " + (*results).status().message());
    return python::packResults(python::toNumpy(**results, inputs));
  }

  PythonProfile profile(ModuleFile &module, const std::string &functionName,
                        const py::args &args, const py::kwargs &keywords) {
    int repetitions = 10;
    for (auto [key, value] : keywords) {
      if (std::string(py::str(key)) != "repetitions")
        throw py::type_error("Session.profile takes the function's arguments "
                             "by position and repetitions=N; got the "
                             "keyword '" +
                             std::string(py::str(key)) + "'");
      // Any integer (a NumPy one too), not a bool or a float.
      PyObject *integer = py::isinstance<py::bool_>(value)
                              ? nullptr
                              : PyNumber_Index(value.ptr());
      if (!integer) {
        PyErr_Clear();
        throw py::type_error(
            "repetitions must be an int, not " +
            std::string(py::str(py::type::handle_of(value).attr("__name__"))));
      }
      py::object asInt = py::reinterpret_steal<py::object>(integer);
      int overflow = 0;
      long long count = PyLong_AsLongLongAndOverflow(integer, &overflow);
      if (overflow || count < 1 || count > 1000000)
        throw py::value_error("repetitions must be 1 to 1000000, got " +
                              std::string(py::str(asInt)));
      repetitions = int(count);
    }
    const rt::FunctionSignature &function = module.function(functionName);
    std::string where = module.name + "." + function.name;
    python::CallInputs inputs = python::toCallInputs(function, where, args);
    std::shared_ptr<rt::Module> loaded = module.loadedBy(*open(), identity);
    std::optional<rt::StatusOr<rt::tooling::Profile>> profiled;
    {
      py::gil_scoped_release release;
      std::unique_lock<std::mutex> lock(callMutex, std::defer_lock);
      if (oneCallAtATime)
        lock.lock();
      rt::Session session(loaded);
      profiled = rt::tooling::profileCalls(session, function.name,
                                           inputs.tensors, repetitions);
    }
    if (!*profiled)
      python::raiseTesseraError("CallError",
                                where + ": " + (*profiled).status().message());
    PythonProfile result;
    result.results =
        python::packResults(python::toNumpy((**profiled).results, inputs));
    result.profile = std::move(**profiled);
    return result;
  }

  std::string spec;
  std::unique_ptr<rt::Runtime> runtime;

private:
  /// Ends with the session: modules drop what they loaded for it.
  std::shared_ptr<int> identity = std::make_shared<int>(0);
  bool oneCallAtATime = false;
  std::mutex callMutex;
};

/// Writes `text` to `path` through a temporary file in the same directory,
/// so a failure leaves no half-written trace.
void writeAtomically(const std::string &path, const std::string &text) {
  std::string temporary = path + ".tmp" + std::to_string(getpid());
  auto fail = [&] {
    int error = errno;
    std::remove(temporary.c_str());
    errno = error;
    PyErr_SetFromErrnoWithFilename(PyExc_OSError, path.c_str());
    throw py::error_already_set();
  };
  FILE *file = std::fopen(temporary.c_str(), "wb");
  if (!file)
    fail();
  bool written = std::fwrite(text.data(), 1, text.size(), file) == text.size();
  int error = errno;
  if (std::fclose(file) != 0 || !written) {
    errno = written ? errno : error;
    fail();
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0)
    fail();
}

py::object shapeTuple(const rt::TensorType &type) {
  py::tuple shape(type.shape.size());
  for (size_t i = 0; i < type.shape.size(); ++i)
    shape[i] = type.shape[i] < 0 ? py::object(py::none())
                                 : py::object(py::int_(type.shape[i]));
  return std::move(shape);
}

std::string typeText(const rt::TensorType &type) {
  return type.scalar ? type.str() : "tensor<" + type.str() + ">";
}

} // namespace

PYBIND11_MODULE(_runtime, m) {
  m.doc() = "Tessera's runtime: load compiled modules and call their "
            "functions on NumPy arrays.";

  py::class_<rt::TensorType>(m, "TensorType", "An argument's or result's type.")
      .def_property_readonly(
          "element_type",
          [](const rt::TensorType &type) {
            return std::string(rt::elementTypeName(type.elementType));
          },
          "MLIR's name of the element type: 'f32', 'i1', ...")
      .def_property_readonly(
          "dtype",
          [](const rt::TensorType &type) {
            return python::dtypeOf(type.elementType);
          },
          "The NumPy dtype of its values (bf16: float32).")
      .def_property_readonly("shape", &shapeTuple,
                             "The dimensions; None where dynamic; () for a "
                             "scalar.")
      .def_property_readonly(
          "is_scalar", [](const rt::TensorType &type) { return type.scalar; })
      .def("__str__", &typeText)
      .def("__repr__",
           [](const rt::TensorType &type) {
             return "TensorType(" + typeText(type) + ")";
           })
      .def("__eq__",
           [](const rt::TensorType &type, py::object other) {
             return py::isinstance<rt::TensorType>(other) &&
                    typeText(type) == typeText(other.cast<rt::TensorType>());
           })
      .def("__hash__", [](const rt::TensorType &type) {
        return py::hash(py::str(typeText(type)));
      });

  py::class_<rt::FunctionSignature>(m, "Function",
                                    "A function of a module and its types.")
      .def_readonly("name", &rt::FunctionSignature::name)
      .def_readonly("inputs", &rt::FunctionSignature::inputs)
      .def_readonly("outputs", &rt::FunctionSignature::outputs)
      .def("__str__",
           [](const rt::FunctionSignature &function) {
             return "@" + function.name + function.str();
           })
      .def("__repr__", [](const rt::FunctionSignature &function) {
        return "Function(@" + function.name + function.str() + ")";
      });

  py::class_<ModuleFile, std::shared_ptr<ModuleFile>>(
      m, "Module", "A compiled module (.tsm), verified.")
      .def_static("load", &ModuleFile::load, py::arg("source"),
                  py::arg("name") = py::none(),
                  "Reads and verifies a module from a path or from its "
                  "bytes. Raises tessera.LoadError for a damaged module.")
      .def_readonly("name", &ModuleFile::name)
      .def_readonly("functions", &ModuleFile::functions)
      .def("function", &ModuleFile::function, py::arg("name"),
           py::return_value_policy::copy)
      .def_property_readonly(
          "size", [](const ModuleFile &module) { return module.bytes.size(); })
      .def("__repr__", [](const ModuleFile &module) {
        return "<tessera.runtime.Module " + module.name + ", " +
               std::to_string(module.functions.size()) + " function" +
               (module.functions.size() == 1 ? "" : "s") + ">";
      });

  py::class_<rt::DispatchRecord>(m, "Dispatch", "One dispatch as it ran.")
      .def_readonly("export_name", &rt::DispatchRecord::exportName)
      .def_readonly("device", &rt::DispatchRecord::device)
      .def_readonly("start_us", &rt::DispatchRecord::startMicroseconds,
                    "From the start of its call.")
      .def_readonly("duration_us", &rt::DispatchRecord::microseconds)
      .def_property_readonly("workgroup_count",
                             [](const rt::DispatchRecord &record) {
                               return py::make_tuple(record.workgroupCount[0],
                                                     record.workgroupCount[1],
                                                     record.workgroupCount[2]);
                             })
      .def_readonly("bytes", &rt::DispatchRecord::bytes)
      .def_readonly("flops", &rt::DispatchRecord::flops,
                    "0 where the compiler did not know.")
      .def_readonly("executable", &rt::DispatchRecord::executable)
      .def_readonly("ordinal", &rt::DispatchRecord::ordinal)
      .def_readonly("concurrent_slot", &rt::DispatchRecord::concurrentSlot)
      .def("__repr__", [](const rt::DispatchRecord &record) {
        return "Dispatch(" + record.exportName + " on " + record.device + ", " +
               std::to_string(record.microseconds) + " us)";
      });

  py::class_<rt::tooling::ProfiledCall>(m, "ProfiledCall")
      .def_readonly("start_us", &rt::tooling::ProfiledCall::startMicroseconds,
                    "From the start of the first call.")
      .def_readonly("duration_us", &rt::tooling::ProfiledCall::microseconds)
      .def_readonly("dispatches", &rt::tooling::ProfiledCall::dispatches)
      .def("__repr__", [](const rt::tooling::ProfiledCall &call) {
        return "ProfiledCall(" + std::to_string(call.microseconds) + " us, " +
               std::to_string(call.dispatches.size()) + " dispatches)";
      });

  py::class_<rt::tooling::DispatchSummary>(
      m, "DispatchSummary", "One export's dispatches over all calls.")
      .def_readonly("export_name", &rt::tooling::DispatchSummary::exportName)
      .def_readonly("device", &rt::tooling::DispatchSummary::device)
      .def_readonly("count", &rt::tooling::DispatchSummary::count)
      .def_readonly("total_us",
                    &rt::tooling::DispatchSummary::totalMicroseconds)
      .def_readonly("mean_us", &rt::tooling::DispatchSummary::meanMicroseconds)
      .def_readonly("min_us", &rt::tooling::DispatchSummary::minMicroseconds)
      .def_readonly("max_us", &rt::tooling::DispatchSummary::maxMicroseconds)
      .def_readonly("share", &rt::tooling::DispatchSummary::share,
                    "Of the calls' total time.")
      .def_readonly("bytes", &rt::tooling::DispatchSummary::bytes)
      .def_readonly("flops", &rt::tooling::DispatchSummary::flops)
      .def("__repr__", [](const rt::tooling::DispatchSummary &row) {
        return "DispatchSummary(" + row.exportName + ", " +
               std::to_string(row.count) + " x " +
               std::to_string(row.meanMicroseconds) + " us)";
      });

  py::class_<PythonProfile>(m, "Profile",
                            "Timed calls of a function, every dispatch "
                            "recorded.")
      .def_property_readonly(
          "function",
          [](const PythonProfile &profile) { return profile.profile.function; })
      .def_property_readonly(
          "calls",
          [](const PythonProfile &profile) { return profile.profile.calls; })
      .def_readonly("results", &PythonProfile::results,
                    "The last call's results.")
      .def_property_readonly("median_us",
                             [](const PythonProfile &profile) {
                               return rt::tooling::callStatistics(
                                          profile.profile)
                                   .medianMicroseconds;
                             })
      .def(
          "statistics",
          [](const PythonProfile &profile) {
            auto stats = rt::tooling::callStatistics(profile.profile);
            py::dict result;
            result["min_us"] = stats.minMicroseconds;
            result["median_us"] = stats.medianMicroseconds;
            result["max_us"] = stats.maxMicroseconds;
            result["mean_us"] = stats.meanMicroseconds;
            return result;
          },
          "The calls' times: min, median, max and mean microseconds.")
      .def(
          "dispatch_table",
          [](const PythonProfile &profile, bool byTime) {
            auto rows = rt::tooling::summarizeDispatches(profile.profile);
            return byTime ? rt::tooling::sortByTotalTime(std::move(rows))
                          : rows;
          },
          py::arg("by_time") = true,
          "One row per export; longest total time first (by_time=False: "
          "in order of first appearance).")
      .def_property_readonly("flops_per_call",
                             [](const PythonProfile &profile) {
                               return rt::tooling::flopsPerCall(
                                   profile.profile);
                             })
      .def(
          "chrome_trace",
          [](const PythonProfile &profile) {
            return rt::tooling::toChromeTrace(profile.profile);
          },
          "Chrome trace-event JSON (Perfetto, chrome://tracing), as "
          "`tessera run --profile` writes it.")
      .def(
          "save_chrome_trace",
          [](const PythonProfile &profile, py::object path) {
            writeAtomically(
                py::str(py::module_::import("os").attr("fspath")(path)),
                rt::tooling::toChromeTrace(profile.profile));
          },
          py::arg("path"))
      .def(
          "dispatch_csv",
          [](const PythonProfile &profile) {
            return rt::tooling::toCsv(
                rt::tooling::summarizeDispatches(profile.profile));
          },
          "The dispatch table as CSV.")
      .def("__repr__", [](const PythonProfile &profile) {
        return "<tessera.runtime.Profile " + profile.profile.function + ": " +
               std::to_string(profile.profile.calls.size()) +
               " calls, median " +
               std::to_string(rt::tooling::callStatistics(profile.profile)
                                  .medianMicroseconds) +
               " us>";
      });

  py::class_<PythonSession>(m, "Session",
                            "Calls modules' functions on one device.")
      .def(py::init<const std::string &>(), py::arg("device") = "cpu",
           "device: 'cpu', 'cpu?workers=N', 'vulkan' or 'vulkan://N' (the "
           "names `tessera run --device` takes).")
      .def_readonly("device", &PythonSession::spec)
      .def_property_readonly(
          "devices",
          [](const PythonSession &session) {
            std::vector<std::string> names;
            for (const auto &device : session.open()->devices())
              names.push_back(device->describe());
            return names;
          },
          "The devices modules load on, the CPU first.")
      .def("close", &PythonSession::close,
           "Releases the session's devices now (also at the end of a with "
           "block); later calls raise tessera.DeviceError.")
      .def("__enter__", [](py::object self) { return self; })
      .def("__exit__",
           [](PythonSession &session, py::args) {
             session.close();
             return false;
           })
      .def("load", &PythonSession::load, py::arg("module"),
           "Loads the module's executables on this session's devices now "
           "(otherwise the first call does).")
      .def("call", &PythonSession::call, py::arg("module"), py::arg("function"),
           "Calls `function` with NumPy arrays; returns None, one result or "
           "a tuple of them.")
      .def("profile", &PythonSession::profile, py::arg("module"),
           py::arg("function"),
           "profile(module, function, *args, repetitions=10): calls "
           "`function` `repetitions` times, recording every dispatch.")
      .def("__repr__", [](const PythonSession &session) {
        return "<tessera.runtime.Session " + session.spec + ">";
      });
}
