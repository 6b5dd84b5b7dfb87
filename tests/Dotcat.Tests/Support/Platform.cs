namespace Dotcat.Tests.Support;

/// <summary>A fact that only runs on Unix-like systems (signals, Unix socket files); elsewhere the runner reports it skipped.</summary>
internal sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows())
            Skip = "needs a Unix-like system";
    }
}

/// <summary>A fact that needs Linux (abstract sockets, Linux socket options).</summary>
internal sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
            Skip = "needs Linux";
    }
}

/// <summary>The same for theories.</summary>
internal sealed class UnixTheoryAttribute : TheoryAttribute
{
    public UnixTheoryAttribute()
    {
        if (OperatingSystem.IsWindows())
            Skip = "needs a Unix-like system";
    }
}

/// <summary>
/// A Linux fact about the JIT build's runtime (assemblies it loads, its own descriptors): skipped when DOTCAT_BIN names
/// another build (.ci/run's Native AOT pass), which has no such assemblies to load.
/// </summary>
internal sealed class JitBuildFactAttribute : FactAttribute
{
    public JitBuildFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
            Skip = "needs Linux";
        else if (Environment.GetEnvironmentVariable("DOTCAT_BIN") is { Length: > 0 })
            Skip = "about the JIT build's runtime; DOTCAT_BIN names another build";
    }
}
