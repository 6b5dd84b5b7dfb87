using Dotcat.Cli;
using Dotcat.Diagnostics;
using Dotcat.Relay;

namespace Dotcat.Toolbox;

/// <summary>
/// What the toolbox options need for a whole run, made once before any socket opens (so a bad <c>--send</c> glob or
/// an unwritable <c>-o</c> file fails first): the local input (stdin, the <c>--send</c> files, or nothing for
/// <c>--recv-only</c>), the -o/-x recorder and the progress meter. <see cref="Wrap"/> puts a session's local end
/// behind them.
/// </summary>
internal sealed class SessionTools : IAsyncDisposable
{
    private SessionTools(DotcatOptions options, IByteSource input, SessionRecorder? recorder, ProgressMeter? progress)
    {
        Input = input;
        Recorder = recorder;
        Progress = progress;
        Crlf = options.Crlf;
        LineDelay = options.LineDelay;
        SendOnly = options.SendOnly;
    }

    /// <summary>Where the bytes to send come from.</summary>
    public IByteSource Input { get; }

    public SessionRecorder? Recorder { get; }
    public ProgressMeter? Progress { get; }
    public bool Crlf { get; }
    public TimeSpan? LineDelay { get; }
    public bool SendOnly { get; }

    private bool Active => Recorder is not null || Progress is not null || Crlf || LineDelay is not null || SendOnly;

    public static SessionTools Open(DotcatOptions options, Log log, TextWriter stderr, bool stderrIsTerminal) =>
        Open(options, log, stderr, stderrIsTerminal, Directory.GetCurrentDirectory(), () => new StdinReader(Stdio.OpenStdin()));

    public static SessionTools Open(
        DotcatOptions options, Log log, TextWriter stderr, bool stderrIsTerminal, string directory, Func<IByteSource> stdin)
    {
        IByteSource input = options.RecvOnly ? new SilentSource()
            : options.SendGlobs.Count > 0 ? new FilesSource(SendFiles.Find(directory, options.SendGlobs, options.ExcludeGlobs), log)
            : stdin();
        SessionRecorder? recorder = SessionRecorder.Open(options.OutputFile, options.HexDumpFile, options.AppendOutput);
        // Progress on a file or pipe is noise nobody asked for, unless -v asks for everything.
        ProgressMeter? progress = options.Progress && (stderrIsTerminal || log.IsVerbose) ? new ProgressMeter(stderr) : null;
        log.StatusLine = progress;
        return new SessionTools(options, input, recorder, progress);
    }

    /// <summary>The local end as the toolbox options want it; itself when no option applies.</summary>
    public Duplex Wrap(Duplex local) => Active ? new ToolboxDuplex(local, this) : local;

    public async ValueTask DisposeAsync()
    {
        Progress?.Dispose();
        if (Recorder is not null)
            await Recorder.DisposeAsync();
    }
}
