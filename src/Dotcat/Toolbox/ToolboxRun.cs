using Dotcat.Diagnostics;
using Dotcat.Model;
using Dotcat.Relay;

namespace Dotcat.Toolbox;

/// <summary>
/// What the toolbox options need for a whole run, made once before any socket opens (so an unwritable <c>-o</c> file
/// fails first): the local input (stdin, the <c>--send</c> files, or nothing for <c>--recv-only</c>), the -o/-x
/// recorder and the progress meter. <see cref="Wrap"/> puts a relay's local end behind them.
/// </summary>
internal sealed class ToolboxRun : IAsyncDisposable
{
    private ToolboxRun(ToolboxOptions options, IByteSource input, SessionRecorder? recorder, ProgressMeter? progress)
    {
        Options = options;
        Input = input;
        Recorder = recorder;
        Progress = progress;
    }

    public ToolboxOptions Options { get; }

    /// <summary>Where the bytes to send come from.</summary>
    public IByteSource Input { get; }

    public SessionRecorder? Recorder { get; }
    public ProgressMeter? Progress { get; }

    private bool Active => Recorder is not null || Progress is not null || Options.Crlf || Options.LineDelay is not null || Options.SendOnly;

    public static ToolboxRun Open(ToolboxOptions options, Log log, DotcatConsole console)
    {
        IByteSource input = options.RecvOnly ? ByteSources.Silent
            : options.Files.Count > 0 ? new FilesSource(options.Files, log)
            : new StdinReader(console.Stdin);
        WarnOfProxyHabit(options.HexDumpFile, log);
        SessionRecorder? recorder = SessionRecorder.Open(options.OutputFile, options.HexDumpFile, options.AppendOutput);
        // Progress on a file or pipe is noise nobody asked for, unless -v asks for everything.
        ProgressMeter? progress = options.Progress && (console.StderrIsTerminal || log.IsVerbose)
            ? new ProgressMeter(console.Stderr, InputLength(options, console), console.StderrColumns, console.StderrIsTerminal)
            : null;
        log.StatusLine = progress;
        return new ToolboxRun(options, input, recorder, progress);
    }

    /// <summary>What the input holds, when that is known: stdin as a regular file, or the <c>--send</c> files together.</summary>
    private static long? InputLength(ToolboxOptions options, DotcatConsole console) =>
        options.RecvOnly ? null
        : options.Files.Count > 0 ? FilesSource.TotalLength(options.Files)
        : console.StdinLength;

    /// <summary>
    /// OpenBSD nc's <c>-x HOST:PORT</c> names a proxy; dotcat's <c>-x</c> names a hex-dump file. A new file called like
    /// an address (<c>127.0.0.1:3128</c>, <c>proxy:8080</c>, <c>[::1]:1080</c>) is likely that habit: say so, and go on.
    /// </summary>
    private static void WarnOfProxyHabit(string? hexDumpFile, Log log)
    {
        if (hexDumpFile is null || File.Exists(hexDumpFile))
            return;
        string name = Path.GetFileName(hexDumpFile);
        int colon = name.LastIndexOf(':');
        string port = name[(colon + 1)..];
        if (colon > 0 && port.Length is > 0 and <= 5 && port.All(char.IsAsciiDigit))
            log.Warning($"-x writes a hex dump to a new file named '{name}'; a proxy (OpenBSD nc's -x {name}) is ncat's --proxy {name}");
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
