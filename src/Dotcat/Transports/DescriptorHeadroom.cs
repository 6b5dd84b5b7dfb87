using System.Runtime.InteropServices;

namespace Dotcat.Transports;

/// <summary>
/// Whether the process is close to its descriptor limit. The runtime needs descriptors of its own (a new thread pool
/// thread, its timer thread) and aborts the process when it cannot get one, so a listener stops accepting a little
/// before the limit instead of at it: the clients wait in the backlog until others leave.
/// </summary>
internal static partial class DescriptorHeadroom
{
    /// <summary>Descriptors left to the runtime.</summary>
    private const int Reserve = 16;

    private static readonly long Limit = ReadLimit();

    /// <summary>True when the lowest free descriptor is within <see cref="Reserve"/> of the limit (Unix only).</summary>
    public static bool IsShort()
    {
        if (OperatingSystem.IsWindows() || Limit <= 0)
            return false;
        try
        {
            // Descriptors are handed out lowest first: the number a new one gets says how many are in use.
            using var probe = File.OpenHandle("/dev/null");
            return (long)probe.DangerousGetHandle() >= Limit - Reserve;
        }
        catch (IOException)
        {
            return true;
        }
    }

    private static long ReadLimit()
    {
        if (OperatingSystem.IsWindows())
            return 0;
        int resource = OperatingSystem.IsLinux() ? 7 : 8;   // RLIMIT_NOFILE
        return GetRLimit(resource, out RLimit limit) == 0 && limit.Current < long.MaxValue ? (long)limit.Current : 0;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit")]
    private static partial int GetRLimit(int resource, out RLimit limit);
}
