using System.ComponentModel;
using System.Diagnostics;
using Dotcat.Diagnostics;
using Dotcat.Model;
using Dotcat.Relay;

namespace Dotcat.Exec;

/// <summary>
/// A child process as the far end of a relay: what is written goes to its stdin, what it prints on stdout is read;
/// its stderr stays dotcat's. Half-close closes its stdin, so it sees EOF.
/// </summary>
internal sealed class ProcessDuplex : Duplex
{
    private readonly Process _process;
    private readonly Stream _stdin;
    private readonly Stream _stdout;
    private bool _stdinClosed;

    private ProcessDuplex(Process process)
    {
        _process = process;
        _stdin = process.StandardInput.BaseStream;
        _stdout = process.StandardOutput.BaseStream;
    }

    /// <summary>Starts <paramref name="command"/> with <paramref name="environment"/> added to dotcat's own.</summary>
    public static ProcessDuplex Start(ExecCommand command, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(command.FileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (string argument in command.Arguments)
            info.ArgumentList.Add(argument);
        foreach ((string name, string value) in environment)
            info.Environment[name] = value;

        try
        {
            return new ProcessDuplex(Process.Start(info)!);
        }
        catch (Win32Exception e)
        {
            throw new DotcatException($"cannot run '{command.FileName}': {Describe(e)}", ExitCodes.Failure, e);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        // A read of the child's stdout pipe cannot be cancelled; ending the child is what ends it (-i, -q, a signal).
        await using CancellationTokenRegistration end = cancellationToken.Register(Kill);
        return await _stdout.ReadAsync(buffer, cancellationToken);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (_stdinClosed)
            return;
        try
        {
            await _stdin.WriteAsync(data, cancellationToken);
            await _stdin.FlushAsync(cancellationToken);
        }
        catch (IOException)
        {
            // The process stopped reading (it exited or closed stdin): what it prints still decides when the session ends.
            _stdinClosed = true;
        }
    }

    public override ValueTask CompleteWritesAsync()
    {
        CloseStdin();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// The session is over (its output ended, or the client is gone): give the process a moment to exit on its own,
    /// then end it, so no child outlives its connection.
    /// </summary>
    public override async ValueTask DisposeAsync()
    {
        CloseStdin();
        using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(1)))
        {
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                Kill();
            }
        }
        await _stdout.DisposeAsync();
        _process.Dispose();
    }

    private void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception)
        {
            // It exited meanwhile, or cannot be signalled: either way there is nothing more to end.
        }
    }

    private void CloseStdin()
    {
        if (_stdinClosed)
            return;
        _stdinClosed = true;
        try
        {
            _stdin.Dispose();
        }
        catch (IOException)
        {
            // Flushing into a pipe nobody reads any more: the process is already gone.
        }
    }

    // "An error occurred trying to start process 'x' with working directory '/d'. No such file or directory" → the cause.
    private static string Describe(Win32Exception e) => e.NativeErrorCode switch
    {
        2 => "no such file or directory",
        13 => "permission denied",
        _ => e.Message[(e.Message.LastIndexOf(". ", StringComparison.Ordinal) + 1)..].Trim().ToLowerInvariant(),
    };
}
