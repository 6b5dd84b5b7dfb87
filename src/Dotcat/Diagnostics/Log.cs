namespace Dotcat.Diagnostics;

/// <summary>
/// Diagnostics on stderr, one line each, starting <c>dotcat: </c>. stdout never sees any of it.
/// Errors are red, warnings yellow and verbose information dim when <see cref="Color"/> is on.
/// </summary>
internal sealed class Log(TextWriter writer, int verbosity = 0, bool color = false)
{
    private readonly Lock _gate = new();

    public int Verbosity { get; } = verbosity;
    public bool Color { get; } = color;
    public bool IsVerbose => Verbosity > 0;

    /// <summary>A live status line on the same stream (<c>--progress</c>), wiped before each diagnostic line.</summary>
    public IStatusLine? StatusLine { get; set; }

    /// <summary>A log that drops everything (for in-memory tests and quiet helpers).</summary>
    public static Log Null { get; } = new(TextWriter.Null);

    public void Error(string message) => Write(message, "\e[31m");

    public void Warning(string message) => Write(message, "\e[33m");

    /// <summary>Shown with <c>-v</c>; <paramref name="level"/> 2 needs <c>-vv</c>.</summary>
    public void Info(string message, int level = 1)
    {
        if (Verbosity >= level)
            Write(message, "\e[2m");
    }

    private void Write(string message, string ansi)
    {
        message = Shown.Message(message);
        string line = Color ? $"{ansi}dotcat: {message}\e[0m" : "dotcat: " + message;
        lock (_gate)
        {
            if (StatusLine is { } status)
                status.WriteAbove(() => writer.WriteLine(line));
            else
                writer.WriteLine(line);
        }
    }
}

/// <summary>A line that is rewritten in place on stderr; it redraws itself later.</summary>
internal interface IStatusLine
{
    /// <summary>Wipes the status line and runs <paramref name="write"/> before the line can be drawn again.</summary>
    void WriteAbove(Action write);
}
