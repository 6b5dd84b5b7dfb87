using System.Runtime.InteropServices;

namespace Dotcat.Relay;

/// <summary>Whether a standard descriptor is a terminal, asked of the system (System.Console is not initialised for it).</summary>
internal static partial class Terminal
{
    public static bool IsTerminal(int fd) =>
        OperatingSystem.IsWindows() ? fd == 0 && !Console.IsInputRedirected : IsATty(fd) == 1;

    [LibraryImport("libc", EntryPoint = "isatty")]
    private static partial int IsATty(int fd);
}
