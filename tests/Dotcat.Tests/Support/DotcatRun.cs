using System.IO.Pipelines;
using System.Net;
using System.Text;
using Dotcat.Relay;

namespace Dotcat.Tests.Support;

/// <summary>
/// A whole dotcat command run in this process through the console seam (<see cref="Program.RunAsync(string[], DotcatConsole, CancellationToken)"/>):
/// stdin a pipe the test writes, stdout collected as bytes, stderr as lines a test can wait for. The same surface as
/// <see cref="DotcatProcess"/>, for every command-level test that does not need a real process. Disposing it is
/// Ctrl+C: the run's token is cancelled and the run awaited.
/// </summary>
internal sealed class DotcatRun : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly Pipe _stdin = new();
    private readonly CollectedBytes _stdout = new();
    private readonly LineWriter _stderr = new();
    private readonly CancellationTokenSource _interrupt = new();
    private readonly Task<int> _run;

    private DotcatRun(string[] args, string? workingDirectory, IDictionary<string, string>? environment, bool stderrIsTerminal, bool stdinIsTerminal = false)
    {
        Stdin = _stdin.Writer.AsStream();
        var console = new DotcatConsole(
            _stdin.Reader.AsStream(),
            _stdout,
            _stderr,
            stderrIsTerminal,
            // As DotcatProcess: NO_COLOR=1 and no FORCE_COLOR unless the test says otherwise.
            name => environment is not null && environment.TryGetValue(name, out string? value) ? value : string.Equals(name, "NO_COLOR", StringComparison.Ordinal) ? "1" : null,
            workingDirectory ?? Directory.GetCurrentDirectory(),
            new StreamWriter(_stdout, leaveOpen: true) { AutoFlush = true })
        {
            StdinIsTerminal = stdinIsTerminal,
        };
        _run = Task.Run(() => Program.RunAsync(args, console, _interrupt.Token));
    }

    public static DotcatRun Start(params string[] args) => new(args, null, null, false);

    public static DotcatRun Start(
        IEnumerable<string> args,
        string? workingDirectory = null,
        IDictionary<string, string>? environment = null,
        bool stderrIsTerminal = false,
        bool stdinIsTerminal = false) =>
        new([.. args], workingDirectory, environment, stderrIsTerminal, stdinIsTerminal);

    /// <summary>
    /// stdin; dispose it or call <see cref="CloseStdin"/> for EOF. A pipe is a producer: after the peer's EOF the run
    /// goes on until stdin's own (SPEC section 3); <c>stdinIsTerminal</c> makes it a person at a terminal instead.
    /// </summary>
    public Stream Stdin { get; }

    public string Stderr => _stderr.Text;

    public void CloseStdin() => _stdin.Writer.Complete();

    /// <summary>Waits for the <c>-v</c> line <c>dotcat: listening on ADDR:PORT</c> and returns the port.</summary>
    public Task<int> WaitForListeningPortAsync(TimeSpan? timeout = null) => _stderr.Lines.WaitForListeningPortAsync(timeout ?? DefaultTimeout);

    public Task<IPEndPoint> WaitForListeningEndPointAsync(TimeSpan? timeout = null) => _stderr.Lines.WaitForListeningEndPointAsync(timeout ?? DefaultTimeout);

    /// <summary>Waits for the next stderr line matching <paramref name="match"/> (see <see cref="StderrLines.WaitForAsync"/>).</summary>
    public Task<string> WaitForStderrAsync(Func<string, bool> match, TimeSpan? timeout = null) => _stderr.Lines.WaitForAsync(match, timeout ?? DefaultTimeout);

    /// <summary>Waits for the run to end and returns its exit code; a run still going then is a test failure.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        try
        {
            int exitCode = await _run.WaitAsync(timeout ?? DefaultTimeout);
            _stderr.Lines.Complete();
            return exitCode;
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"dotcat did not end in time; stderr:\n{Stderr}", e);
        }
    }

    /// <summary>Ctrl+C: what SIGINT does to the process (the run's one token is cancelled).</summary>
    public void Interrupt() => _interrupt.Cancel();

    /// <summary>Everything written to stdout (complete once the run ended).</summary>
    public async Task<byte[]> StdoutAsync()
    {
        await WaitForExitAsync();
        return _stdout.ToArray();
    }

    public async Task<string> StdoutTextAsync() => Encoding.UTF8.GetString(await StdoutAsync());

    /// <summary>Waits until stdout holds at least <paramref name="count"/> bytes while the run goes on.</summary>
    public Task WaitForStdoutBytesAsync(int count, TimeSpan? timeout = null) =>
        _stdout.WaitForAsync(bytes => bytes.Length >= count, timeout ?? DefaultTimeout);

    /// <summary>Waits until stdout, as UTF-8 text, contains <paramref name="text"/> while the run goes on.</summary>
    public Task WaitForStdoutTextAsync(string text, TimeSpan? timeout = null) => _stdout.WaitForTextAsync(text, timeout ?? DefaultTimeout);

    public async ValueTask DisposeAsync()
    {
        await _interrupt.CancelAsync();
        _stdin.Writer.Complete();
        try
        {
            await _run.WaitAsync(DefaultTimeout);
        }
        catch (TimeoutException)
        {
            // A run that ignores its token is the test's failure to report, not the cleanup's.
        }
        _interrupt.Dispose();
    }

    /// <summary>stderr: the whole text, and each finished line (<see cref="StderrLines"/>).</summary>
    private sealed class LineWriter : TextWriter
    {
        private readonly Lock _gate = new();
        private readonly StringBuilder _line = new();
        private char _last;

        public StderrLines Lines { get; } = new();

        public override Encoding Encoding => Encoding.UTF8;

        public string Text => Lines.Text;

        // Lines end at '\n', '\r' or "\r\n", as StreamReader.ReadLine (and so DotcatProcess) has them.
        public override void Write(char value)
        {
            lock (_gate)
            {
                bool afterCr = _last == '\r';
                _last = value;
                string? line = null;
                if (value is '\n' or '\r' && !(value == '\n' && afterCr))
                {
                    line = _line.ToString();
                    _line.Clear();
                }
                else if (value is not ('\n' or '\r'))
                {
                    _line.Append(value);
                }
                Lines.Append(value.ToString(), line);
            }
        }

        public override void Write(string? value)
        {
            foreach (char c in value ?? "")
                Write(c);
        }
    }
}
