using Dotcat.Diagnostics;

namespace Dotcat.Relay;

/// <summary>
/// What a run gets from the process it runs in: stdin, stdout, stderr and the facts about them. Program hands the real
/// ones to the modes; tests hand their own, so a whole command runs in the test's process.
/// </summary>
/// <param name="Stdin">Read only through one <see cref="StdinReader"/> per run (a blocking read gets a thread of its own).</param>
/// <param name="Stdout">Raw bytes, written unbuffered.</param>
/// <param name="Stderr">Diagnostics, one line each.</param>
/// <param name="StderrIsTerminal">Whether <c>--progress</c> draws without <c>-v</c>, and colour's default.</param>
/// <param name="Environment">Environment lookup (<c>NO_COLOR</c>, <c>FORCE_COLOR</c>, <c>TERM</c>).</param>
/// <param name="Directory">Where <c>--send</c> globs are matched.</param>
/// <param name="StdoutText">Where <c>--help</c> and <c>--completions</c> write their text; null writes it to <paramref name="Stdout"/>.</param>
/// <param name="StdoutColumns">The terminal's width when stdout is a terminal (help wraps to it), else null.</param>
internal sealed record DotcatConsole(
    Stream Stdin,
    Stream Stdout,
    TextWriter Stderr,
    bool StderrIsTerminal,
    Func<string, string?> Environment,
    string Directory,
    TextWriter? StdoutText = null,
    int? StdoutColumns = null)
{
    /// <summary>
    /// Whether stdin is a terminal: then a person is typing, and the peer's EOF ends the session once its bytes are
    /// shown; a pipe, file or socket is a producer that goes on until its own EOF (SPEC section 3).
    /// </summary>
    public bool StdinIsTerminal { get; init; }

    /// <summary>
    /// The bytes stdin still holds when it is a regular file (its size less its offset), else null: <c>--progress</c>
    /// then shows the total, the percentage and the time left.
    /// </summary>
    public long? StdinLength { get; init; }

    /// <summary>
    /// The width of stderr's terminal now (asked at every redraw of <c>--progress</c>, so a resized pane is followed), or
    /// null when stderr is not a terminal.
    /// </summary>
    public Func<int?> StderrColumns { get; init; } = static () => null;

    /// <summary>Ends stdout for its reader while the run goes on (<see cref="Stdio.CloseStdout"/>); tests record it.</summary>
    public Action CloseStdout { get; init; } = static () => { };

    /// <summary>This process's own standard streams (never System.Console on Unix: see <see cref="Stdio.Stderr"/>).</summary>
    public static DotcatConsole FromProcess() => new(
        Stdio.OpenStdin(),
        Stdio.OpenStdout(),
        Stdio.Stderr,
        Stdio.StderrIsTerminal,
        System.Environment.GetEnvironmentVariable,
        System.IO.Directory.GetCurrentDirectory(),
        Stdio.TextStdout,
        Term.Columns(1))
    {
        StdinIsTerminal = Stdio.StdinIsTerminal,
        StdinLength = Stdio.StdinLength(),
        StderrColumns = Term.StderrColumns,
        CloseStdout = Stdio.CloseStdout,
    };
}
