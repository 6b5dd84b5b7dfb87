using System.Runtime.InteropServices;

namespace Dotcat.Relay;

/// <summary>
/// Which of fds 0, 1 and 2 the parent really gave dotcat. A descriptor closed at exec (<c>&lt;&amp;-</c>,
/// <c>&gt;&amp;-</c>, <c>2&gt;&amp;-</c>) behaves as <c>/dev/null</c>: stdin is empty, output goes nowhere. The check has to
/// run first in <c>Main</c> and look at FD_CLOEXEC, not just at whether the number is open: the runtime opens
/// descriptors of its own before <c>Main</c> (pipes, copies of stdio), they take the lowest free numbers, and they are
/// all close-on-exec, which a descriptor that survived an exec never is. dotcat never reads or writes a number that
/// is not the parent's, and a closed one is filled with <c>/dev/null</c> so no socket dotcat opens can take it.
/// </summary>
internal static partial class StandardDescriptors
{
    private const int F_GETFD = 1;
    private const int FD_CLOEXEC = 1;
    private const int O_RDWR = 2;

    // Before Check runs (a test's process, Windows) every standard descriptor counts as the parent's.
    private static readonly bool[] s_inherited = [true, true, true];

    /// <summary>Records which standard descriptors are inherited; call once, before anything opens a descriptor.</summary>
    public static void Check()
    {
        if (OperatingSystem.IsWindows())
            return;
        for (int fd = 0; fd <= 2; fd++)
        {
            int flags = Fcntl(fd, F_GETFD, 0);
            s_inherited[fd] = flags >= 0 && (flags & FD_CLOEXEC) == 0;
            if (flags < 0)
                FillWithDevNull(fd);
        }
    }

    /// <summary>True when <paramref name="fd"/> (0, 1 or 2) is the parent's stdin, stdout or stderr.</summary>
    public static bool IsInherited(int fd) => s_inherited[fd];

    /// <summary>
    /// Puts <c>/dev/null</c> in place of <paramref name="fd"/>: whoever reads the other end of what it was (a pipe) sees
    /// EOF once no other process holds it, and the number stays taken, so no socket or file opened later becomes it.
    /// </summary>
    public static void ReplaceWithDevNull(int fd) => FillWithDevNull(fd);

    /// <summary>
    /// The runtime's own copies of <paramref name="fd"/> (the JIT build's runtime duplicates fds 0-2 before
    /// <c>Main</c>; each is close-on-exec): replaced as well, or stdout's reader would never see EOF. Linux only
    /// (<c>/proc/self/fd</c> names what each descriptor is); elsewhere none are found. The native build's runtime
    /// makes no copies, so it does not look: listing and reading every descriptor was some 0.1 ms at the end of each
    /// one-request run (perf). ProducerEndingTests checks, against both builds, that stdout's reader sees its EOF.
    /// </summary>
    public static IEnumerable<int> RuntimeCopiesOf(int fd)
    {
        const string Descriptors = "/proc/self/fd";
        if (IsNativeBuild || !OperatingSystem.IsLinux() || !Directory.Exists(Descriptors))
            yield break;
        string target = Target(fd);
        foreach (string entry in Directory.GetFiles(Descriptors))
        {
            if (int.TryParse(Path.GetFileName(entry), System.Globalization.CultureInfo.InvariantCulture, out int copy) && copy > 2 && target.Length > 0
                && string.Equals(Target(copy), target, StringComparison.Ordinal) && (Fcntl(copy, F_GETFD, 0) & FD_CLOEXEC) != 0)
                yield return copy;
        }

        static string Target(int fd)
        {
            try
            {
                return new FileInfo($"{Descriptors}/{fd}").LinkTarget ?? "";
            }
            catch (IOException)
            {
                return "";
            }
        }
    }

    /// <summary>
    /// True in the Native AOT build: a setting its compiler bakes in (Dotcat.csproj). Not
    /// <c>RuntimeFeature.IsDynamicCodeSupported</c>, which PublishAot turns off in the JIT build's runtimeconfig too.
    /// </summary>
    private static bool IsNativeBuild => AppContext.TryGetSwitch("Dotcat.NativeBuild", out bool native) && native;

    /// <summary>open(2) takes the lowest free number, which is this one once the lower ones are filled.</summary>
    private static void FillWithDevNull(int fd)
    {
        int devNull = Open("/dev/null", O_RDWR);
        if (devNull >= 0 && devNull != fd)
        {
            Dup2(devNull, fd);
            Close(devNull);
        }
    }

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "dup2", SetLastError = true)]
    private static partial int Dup2(int fd, int target);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
