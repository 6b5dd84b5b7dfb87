using System.Runtime.InteropServices;
using Dotcat.Model;

namespace Dotcat.Diagnostics;

/// <summary>Decides whether stderr diagnostics are coloured. Pure, so the policy is unit-tested.</summary>
internal static partial class Term
{
    /// <summary>
    /// The width of the terminal on <paramref name="fd"/> (ioctl TIOCGWINSZ), or null when it is not a terminal. Not
    /// <c>Console.WindowWidth</c>: that initialises the console, which leaves the terminal in keypad mode (Unix only).
    /// </summary>
    public static int? Columns(int fd)
    {
        if (OperatingSystem.IsWindows())
            return null;
        nuint request = OperatingSystem.IsLinux() ? 0x5413u : 0x40087468u;   // TIOCGWINSZ
        var size = default(WindowSize);
        return Ioctl(fd, request, ref size) == 0 && size.Columns > 0 ? size.Columns : null;
    }

    /// <summary>The width of stderr's terminal, or null when stderr is redirected.</summary>
    public static int? StderrColumns()
    {
        if (!OperatingSystem.IsWindows())
            return Columns(2);
        // Windows has no keypad-mode problem, and its console is what knows the window.
        try
        {
            return Console.IsErrorRedirected ? null : Console.WindowWidth;
        }
        catch (IOException)
        {
            return null;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct WindowSize
    {
        public ushort Rows;
        public ushort Columns;
        public ushort XPixels;
        public ushort YPixels;
    }

    [LibraryImport("libc", EntryPoint = "ioctl")]
    private static partial int Ioctl(int fd, nuint request, ref WindowSize size);

    /// <summary>
    /// First match wins: <c>--color always|never</c>; <c>NO_COLOR</c> set (no-color.org); <c>FORCE_COLOR</c> set and not
    /// 0/false; stderr redirected; <c>TERM=dumb</c>; otherwise on.
    /// </summary>
    public static bool StderrColor(ColorMode mode, Func<string, string?> env, bool stderrRedirected)
    {
        if (mode != ColorMode.Auto)
            return mode == ColorMode.Always;
        if (!string.IsNullOrEmpty(env("NO_COLOR")))
            return false;
        string? force = env("FORCE_COLOR");
        if (!string.IsNullOrEmpty(force) && force is not ("0" or "false"))
            return true;
        if (stderrRedirected || string.Equals(env("TERM"), "dumb", StringComparison.Ordinal))
            return false;
        // Windows 10+ terminals understand ANSI escapes once virtual terminal processing is on, which .NET enables.
        return true;
    }
}
