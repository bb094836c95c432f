using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace MlNetDeep.Transforms;

/// <summary>Which ONNX Runtime native library the application brought (MlNetDeep references only the managed package).</summary>
internal enum NativeRuntimeKind
{
    /// <summary>No native library: neither Microsoft.ML.OnnxRuntime nor Microsoft.ML.OnnxRuntime.Gpu is referenced.</summary>
    None,

    /// <summary>A native library without the CUDA provider (Microsoft.ML.OnnxRuntime, the CPU package).</summary>
    Cpu,

    /// <summary>A native library with the CUDA provider (Microsoft.ML.OnnxRuntime.Gpu).</summary>
    Gpu,
}

/// <summary>
/// The process's ONNX Runtime native library, seen once: is there one, does it have the CUDA provider, and what did
/// ONNX Runtime log. ORT names a CUDA library that failed to load only in its native log, so the first MlNetDeep entry
/// point that touches ORT (Fit, GetOutputSchema, DeepLearningModel.Load) creates the process-wide <see cref="OrtEnv"/>
/// with a logging callback, before ML.NET creates its sessions (ML.NET creates an OrtEnv only if none exists). The
/// callback keeps the recent messages and still writes each to stderr, as ORT's default logger does. If the
/// application created the OrtEnv first, nothing is captured and <see cref="ProviderLoadError(long)"/> asks the dynamic
/// loader instead.
/// </summary>
internal static class OnnxRuntimeNative
{
    /// <summary>The ONNX Runtime version this build is made and documented for.</summary>
    public const string PinnedVersion = "1.32.0";

    /// <summary>What the CUDA provider of ONNX Runtime 1.32 needs (docs/ml-net-6-and-onnx-runtime-1.32.md).</summary>
    public const string CudaRequirement =
        "CUDA 13 (libcudart.so.13, libcublas.so.13, libcublasLt.so.13, libcurand.so.10) and cuDNN 9 (libcudnn.so.9) on the library path, and an NVIDIA driver";

    private const int KeptMessages = 200;
    private static readonly object Gate = new();
    private static readonly List<(long Sequence, OrtLoggingLevel Severity, string Text)> Messages = [];
    private static readonly DOrtLoggingFunction Logger = OnLog; // kept alive: native code calls it for the life of the process
    private static long _sequence;
    private static bool _probed;
    private static NativeRuntimeKind _kind;
    private static Exception? _loadFailure;
    private static string _version = "";
    private static string[] _providers = [];

    /// <summary>Which native library is present (probes once, creating the OrtEnv with a logger if none exists).</summary>
    public static NativeRuntimeKind Kind { get { Probe(); return _kind; } }

    /// <summary>The native library's version ("1.32.0"), or empty without one.</summary>
    public static string Version { get { Probe(); return _version; } }

    /// <summary>The execution providers the native library was built with.</summary>
    public static IReadOnlyList<string> Providers { get { Probe(); return _providers; } }

    /// <summary>Whether ORT's log reaches <see cref="MessagesSince"/> (false when the application created the OrtEnv first).</summary>
    public static bool Capturing { get; private set; }

    /// <summary>Throws <see cref="DllNotFoundException"/> naming the package to add when there is no native library.</summary>
    /// <param name="action">What needs ONNX Runtime ("Fit", "Load"), for the message.</param>
    public static void Require(string action)
    {
        Probe();
        if (_kind == NativeRuntimeKind.None) throw MissingRuntime(action, _loadFailure);
    }

    /// <summary>The exception for a missing native library, naming the packages to add.</summary>
    public static DllNotFoundException MissingRuntime(string action, Exception? cause) => new(
        $"{action} needs ONNX Runtime's native library (onnxruntime), which the application does not have: MlNetDeep brings only the managed " +
        $"Microsoft.ML.OnnxRuntime.Managed, and the application chooses the native package. Add Microsoft.ML.OnnxRuntime {PinnedVersion} to score on " +
        $"the CPU (dotnet add package Microsoft.ML.OnnxRuntime --version {PinnedVersion}), or Microsoft.ML.OnnxRuntime.Gpu {PinnedVersion} to score " +
        $"on the GPU (needs {CudaRequirement}). ({cause?.GetType().Name}: {Innermost(cause)?.Message.Split('\n')[0].Trim()})", cause);

    /// <summary>Whether an exception chain is the native library missing altogether.</summary>
    public static bool IsMissingRuntime(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
            if (ex is DllNotFoundException && ex.Message.Contains("onnxruntime", StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>A position in ORT's log, to read what an attempt logged with <see cref="MessagesSince"/>.</summary>
    public static long LogPosition { get { lock (Messages) return _sequence; } }

    /// <summary>ORT's warnings and errors logged after <paramref name="position"/>.</summary>
    public static IReadOnlyList<string> MessagesSince(long position)
    {
        lock (Messages) return [.. Messages.Where(m => m.Sequence > position && m.Severity >= OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING).Select(m => m.Text)];
    }

    /// <summary>
    /// Why the CUDA provider library does not load, from ORT's log after <paramref name="position"/> ("libcublasLt.so.13:
    /// cannot open shared object file: No such file or directory"), or else from loading it here the way ORT does
    /// (beside libonnxruntime). Null when neither tells.
    /// </summary>
    public static string? ProviderLoadError(long position) => ProviderLoadError(MessagesSince(position)) ?? LoadProviderLibrary();

    /// <summary>The library-load error in ORT log messages (the last one that tells), or null.</summary>
    /// <param name="messages">ORT's messages, oldest first.</param>
    public static string? ProviderLoadError(IReadOnlyList<string> messages)
    {
        const string marker = " with error: ";
        foreach (string message in messages.Reverse())
        {
            int at = message.IndexOf(marker, StringComparison.Ordinal);
            if (message.Contains("Failed to load library", StringComparison.Ordinal) && at >= 0) return message[(at + marker.Length)..].Trim();
        }
        foreach (string message in messages.Reverse())
            if (message.Contains("cuda", StringComparison.OrdinalIgnoreCase) || message.Contains("cudnn", StringComparison.OrdinalIgnoreCase)) return message.Trim();
        return null;
    }

    private static string? LoadProviderLibrary()
    {
        string? directory = NativeDirectory();
        string name = OperatingSystem.IsWindows() ? "onnxruntime_providers_cuda.dll" : "libonnxruntime_providers_cuda.so";
        if (directory is null || !File.Exists(Path.Combine(directory, name))) return null;
        try
        {
            // ORT loads providers_shared first (globally), then the CUDA provider; loading the provider's dependencies
            // here reports the first one missing exactly as the dynamic loader sees it.
            NativeLibrary.Free(NativeLibrary.Load(Path.Combine(directory, name)));
            return null;
        }
        catch (DllNotFoundException ex)
        {
            return MissingDependency(ex.Message);
        }
    }

    /// <summary>
    /// The dependency a failed library load names, from .NET's message: after "Unable to load shared library '…' or one of
    /// its dependencies …" come the paths it tried, each with the loader's error; the one that is not a tried path itself
    /// is the missing dependency ("libcublasLt.so.13: cannot open shared object file: No such file or directory"). Null
    /// when there is none (an undefined symbol, say, tells nothing about CUDA).
    /// </summary>
    /// <param name="message">The DllNotFoundException's message.</param>
    public static string? MissingDependency(string message)
    {
        foreach (System.Text.RegularExpressions.Match match in System.Text.RegularExpressions.Regex.Matches(message,
            @"(?<![/\w.+-])(lib[\w.+-]+?\.so[\w.]*): cannot open shared object file[^\r\n]*"))
        {
            if (!match.Groups[1].Value.StartsWith("libonnxruntime", StringComparison.Ordinal)) return match.Value.Trim();
        }
        return null;
    }

    /// <summary>The folder holding the loaded libonnxruntime (Linux: from /proc/self/maps), or null.</summary>
    private static string? NativeDirectory()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            foreach (string line in File.ReadLines("/proc/self/maps"))
            {
                int slash = line.IndexOf('/');
                if (slash >= 0 && line.EndsWith("/libonnxruntime.so", StringComparison.Ordinal)) return Path.GetDirectoryName(line[slash..]);
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }

    private static void Probe()
    {
        lock (Gate)
        {
            if (_probed) return;
            try
            {
                if (!OrtEnv.IsCreated)
                {
                    var options = new EnvironmentCreationOptions
                    {
                        logId = "MlNetDeep",
                        logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
                        loggingFunction = Logger,
                    };
                    try
                    {
                        OrtEnv.CreateInstanceWithOptions(ref options);
                        Capturing = true;
                    }
                    catch (OnnxRuntimeException) when (OrtEnv.IsCreated) { } // another thread (ML.NET) won the race: its logger stays
                }
                var env = OrtEnv.Instance();
                _version = env.GetVersionString();
                _providers = env.GetAvailableProviders();
                _kind = _providers.Contains("CUDAExecutionProvider") ? NativeRuntimeKind.Gpu : NativeRuntimeKind.Cpu;
            }
            catch (Exception ex) when (IsMissingRuntime(ex))
            {
                _kind = NativeRuntimeKind.None;
                _loadFailure = Innermost(ex);
            }
            _probed = true;
        }
    }

    private static void OnLog(IntPtr param, OrtLoggingLevel severity, string category, string logId, string codeLocation, string message)
    {
        lock (Messages)
        {
            Messages.Add((++_sequence, severity, message));
            if (Messages.Count > KeptMessages) Messages.RemoveAt(0);
        }
        // What ORT's default logger writes, so the application's stderr keeps ORT's messages.
        char level = severity switch
        {
            OrtLoggingLevel.ORT_LOGGING_LEVEL_VERBOSE => 'V', OrtLoggingLevel.ORT_LOGGING_LEVEL_INFO => 'I',
            OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING => 'W', OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR => 'E', _ => 'F',
        };
        try { Console.Error.WriteLine($"{DateTime.Now:yyyy-MM-dd HH:mm:ss.fff} [{level}:{category}:{logId}, {codeLocation}] {message}"); }
        catch (IOException) { }
    }

    private static Exception? Innermost(Exception? ex)
    {
        while (ex?.InnerException is not null) ex = ex.InnerException;
        return ex;
    }
}
