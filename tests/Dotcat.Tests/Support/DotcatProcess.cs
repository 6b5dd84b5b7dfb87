using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;

namespace Dotcat.Tests.Support;

/// <summary>
/// The built dotcat run as a real process: stdin writable, stdout collected as bytes, stderr collected as lines that
/// a test can wait for (the <c>listening on</c> line instead of a sleep). Killed with its children on dispose.
/// </summary>
internal sealed class DotcatProcess : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly StderrLines _stderr = new();
    private readonly CollectedBytes _stdoutSoFar = new();
    private readonly Task<byte[]> _stdout;
    private readonly Task _stderrPump;
    private int _disposed;

    private DotcatProcess(Process process, Stream? stdoutTarget)
    {
        _process = process;
        _stdout = CollectAsync(process.StandardOutput.BaseStream, stdoutTarget);
        _stderrPump = PumpStderrAsync();
    }

    public int Id => _process.Id;

    /// <summary>The stdin pipe; dispose or <see cref="CloseStdin"/> for EOF.</summary>
    public Stream Stdin => _process.StandardInput.BaseStream;

    public string Stderr => _stderr.Text;

    /// <summary>
    /// Starts dotcat. <paramref name="stdoutTarget"/> takes stdout instead of memory (a hashing stream, for large
    /// transfers); <paramref name="stdinFile"/> makes stdin that file itself, as a shell's <c>&lt; file</c> does.
    /// </summary>
    public static DotcatProcess Start(
        IEnumerable<string> args,
        Stream? stdoutTarget = null,
        IDictionary<string, string>? environment = null,
        string? stdinFile = null,
        string? workingDirectory = null)
    {
        (string program, IEnumerable<string> programArgs) = DotcatCommand(args);
        return StartProgram(program, programArgs, stdoutTarget, environment, stdinFile, workingDirectory);
    }

    /// <summary>
    /// The dotcat under test: the executable named by DOTCAT_BIN when set (.ci/run points it at the Native AOT build,
    /// what the tool package ships), otherwise the JIT build next to the tests, run by the same dotnet host.
    /// </summary>
    public static (string Program, IEnumerable<string> Args) DotcatCommand(IEnumerable<string> args) =>
        Environment.GetEnvironmentVariable("DOTCAT_BIN") is { Length: > 0 } bin
            ? (bin, args)
            : (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
                args.Prepend(Path.Combine(AppContext.BaseDirectory, "dotcat.dll")));

    /// <summary>Any program with the same plumbing (a peer such as socat or nc.openbsd, run against dotcat).</summary>
    public static DotcatProcess StartProgram(
        string fileName,
        IEnumerable<string> args,
        Stream? stdoutTarget = null,
        IDictionary<string, string>? environment = null,
        string? stdinFile = null,
        string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(stdinFile is null ? fileName : "/bin/sh")
        {
            RedirectStandardInput = stdinFile is null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        if (stdinFile is not null)
        {
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add("exec \"$0\" \"$@\" < \"$DOTCAT_TEST_STDIN\"");
            info.ArgumentList.Add(fileName);
            info.Environment["DOTCAT_TEST_STDIN"] = stdinFile;
        }
        foreach (string arg in args)
            info.ArgumentList.Add(arg);
        info.Environment["NO_COLOR"] = "1";
        info.Environment.Remove("FORCE_COLOR");
        // The test process fixes its own mode (SocketCompletionMode); a child dotcat decides its own, as when shipped.
        info.Environment.Remove(SocketCompletionMode.Variable);
        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
            info.Environment[key] = value;
        return new DotcatProcess(Process.Start(info)!, stdoutTarget);
    }

    public static DotcatProcess Start(params string[] args) => Start((IEnumerable<string>)args);

    public void CloseStdin() => _process.StandardInput.Close();

    /// <summary>Waits for the <c>-v</c> line <c>dotcat: listening on ADDR:PORT</c> and returns the port.</summary>
    public Task<int> WaitForListeningPortAsync(TimeSpan? timeout = null) => _stderr.WaitForListeningPortAsync(timeout ?? DefaultTimeout);

    /// <summary>Waits for the listening line and returns the bound IPv4/IPv6 endpoint.</summary>
    public Task<IPEndPoint> WaitForListeningEndPointAsync(TimeSpan? timeout = null) => _stderr.WaitForListeningEndPointAsync(timeout ?? DefaultTimeout);

    /// <summary>Waits for the next stderr line matching <paramref name="match"/> (see <see cref="StderrLines.WaitForAsync"/>).</summary>
    public Task<string> WaitForStderrAsync(Func<string, bool> match, TimeSpan? timeout = null) => _stderr.WaitForAsync(match, timeout ?? DefaultTimeout);

    /// <summary>
    /// Waits until stdout, as UTF-8 text, contains <paramref name="text"/> while the process runs (not with a
    /// <c>stdoutTarget</c>, which takes stdout instead).
    /// </summary>
    public Task WaitForStdoutTextAsync(string text, TimeSpan? timeout = null) => _stdoutSoFar.WaitForTextAsync(text, timeout ?? DefaultTimeout);

    /// <summary>
    /// Waits for exit and returns the exit code; a process still running then is a test failure. Its stdout has been
    /// collected to the end by then: the process can exit before this side has read the last of the pipe, and a test
    /// that looked at its output at once would see it short (under load, a TLS test once saw it empty).
    /// </summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            await _stderrPump.WaitAsync(cts.Token);
            await _stdout.WaitAsync(cts.Token);
        }
        catch (OperationCanceledException e)
        {
            throw new TimeoutException($"dotcat did not exit in time, or something it started still holds its stdout or stderr; stderr:\n{Stderr}", e);
        }
        return _process.ExitCode;
    }

    /// <summary>Everything written to stdout (complete once the process exited).</summary>
    public Task<byte[]> StdoutAsync() => _stdout;

    public async Task<string> StdoutTextAsync() => Encoding.UTF8.GetString(await _stdout);

    public void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0)
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed");
    }

    /// <summary>Kills dotcat if it still runs; safe to call twice (a test may end it early, then read its stdout).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private async Task<byte[]> CollectAsync(Stream stdout, Stream? target)
    {
        if (target is not null)
        {
            try
            {
                await stdout.CopyToAsync(target);
            }
            catch (IOException)
            {
                // The target stopped reading on purpose (a reader that leaves early): close our end of the pipe.
                await stdout.DisposeAsync();
            }
            return [];
        }
        await stdout.CopyToAsync(_stdoutSoFar);
        return _stdoutSoFar.ToArray();
    }

    private async Task PumpStderrAsync()
    {
        while (await _process.StandardError.ReadLineAsync() is { } line)
            _stderr.AppendLine(line);
        _stderr.Complete();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
