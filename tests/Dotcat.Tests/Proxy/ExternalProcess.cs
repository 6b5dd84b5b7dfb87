using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Dotcat.Tests.Support;

namespace Dotcat.Tests.Proxy;

/// <summary>A fact that needs a program that may live in an sbin folder (danted); skipped when it is missing.</summary>
internal sealed class ToolFactAttribute : FactAttribute
{
    public ToolFactAttribute(string program)
    {
        if (OperatingSystem.IsWindows())
            Skip = "needs a Unix-like system";
        else if (ExternalProcess.Find(program) is null)
            Skip = $"{program} is not installed";
        Timeout = 60_000;
    }
}

/// <summary>The same for theories.</summary>
internal sealed class ToolTheoryAttribute : TheoryAttribute
{
    public ToolTheoryAttribute(string program)
    {
        if (OperatingSystem.IsWindows())
            Skip = "needs a Unix-like system";
        else if (ExternalProcess.Find(program) is null)
            Skip = $"{program} is not installed";
        Timeout = 60_000;
    }
}

/// <summary>
/// A real proxy server or client started by a test on loopback and stopped by its PID (with its children). These
/// tools cannot listen on port 0, so <see cref="FreePort"/> finds one and <see cref="WaitForAcceptAsync"/> retries a
/// connect a bounded number of times until the tool accepts.
/// </summary>
internal sealed class ExternalProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Task _stdout;
    private readonly Task _stderr;

    private ExternalProcess(Process process)
    {
        _process = process;
        _stdout = PumpAsync(process.StandardOutput);
        _stderr = PumpAsync(process.StandardError);
    }

    public static string? Find(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/usr/local/sbin", "/sbin"])
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);

    /// <summary>A loopback TCP port free now, for a tool to bind (see <see cref="FreePorts"/>).</summary>
    public static int FreePort() => FreePorts.Pick(ProtocolType.Tcp);

    public static ExternalProcess Start(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(Find(program) ?? program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
            info.ArgumentList.Add(argument);
        return new ExternalProcess(Process.Start(info)!);
    }

    public Stream Stdin => _process.StandardInput.BaseStream;

    /// <summary>Everything the tool printed so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    /// <summary>Retries a loopback connect until the tool accepts (at most about 30 s), then closes that probe.</summary>
    public async Task WaitForAcceptAsync(int port)
    {
        // A poll, not a sleep: these tools say nothing when they are ready. Bounded generously for a loaded machine.
        for (int attempt = 0; attempt < 600; attempt++)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"the tool exited ({_process.ExitCode}): {Output}");
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await probe.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        throw new TimeoutException($"nothing accepted on port {port}: {Output}");
    }

    /// <summary>Waits for the tool to end by itself; returns its stdout.</summary>
    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(ProxyLoopback.Timeout);
        await Task.WhenAll(_stdout, _stderr);
        return _process.ExitCode;
    }

    public string Stdout { get; private set; } = "";

    private async Task PumpAsync(StreamReader reader)
    {
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            lock (_output)
                _output.Append(buffer, 0, read);
            if (ReferenceEquals(reader, _process.StandardOutput))
                Stdout += new string(buffer, 0, read);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(ProxyLoopback.Timeout);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
