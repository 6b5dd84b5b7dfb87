using System.Runtime.InteropServices;

namespace Dotcat.Exec;

/// <summary>
/// A parent that ignores SIGCHLD (Perl's <c>$SIG{CHLD} = "IGNORE"</c>, some daemons) passes that on through exec: the
/// kernel then reaps dotcat's children itself, and .NET, which learns that a child exited from SIGCHLD and waitpid,
/// never sees an <c>-e</c>/<c>-c</c> process end, so a listener without <c>-k</c> would wait for it forever. dotcat puts
/// the default back before the runtime's signal handling starts.
/// </summary>
internal static partial class InheritedSignals
{
    private const int SIGCHLD = 17;
    private static readonly nint SIG_DFL = 0;
    private static readonly nint SIG_IGN = 1;

    public static void RestoreChildExitSignal()
    {
        if (!OperatingSystem.IsLinux())
            return;
        // signal(2) answers the previous disposition; only an ignored one is changed (a handler is never replaced).
        if (Signal(SIGCHLD, SIG_DFL) is var previous && previous != SIG_IGN && previous != SIG_DFL)
            Signal(SIGCHLD, previous);
    }

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint Signal(int signal, nint handler);
}
