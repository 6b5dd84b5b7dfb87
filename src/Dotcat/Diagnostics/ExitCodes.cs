namespace Dotcat.Diagnostics;

/// <summary>The process exit codes of SPEC section 4, in one place.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int Interrupted = 130;
    public const int BrokenPipe = 141;
    public const int Terminated = 143;

    /// <summary>128 + the signal number, as shells report a process ended by that signal.</summary>
    public static int ForSignal(int signalNumber) => 128 + signalNumber;
}
