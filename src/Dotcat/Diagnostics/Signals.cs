using System.Runtime.InteropServices;

namespace Dotcat.Diagnostics;

/// <summary>
/// SIGINT, SIGTERM and SIGHUP cancel the one token the whole run shares, so sockets close and a Unix listener removes
/// its socket file on the way out; the exit code then says which signal it was (130, 143, 129).
/// </summary>
internal sealed class Signals : IDisposable
{
    /// <summary>How long cleanup may take after a signal before the process ends anyway.</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);

    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly CancellationTokenSource _cancel;
    private int _received;

    public Signals(CancellationTokenSource cancel)
    {
        _cancel = cancel;
        Register(PosixSignal.SIGINT, 2);
        Register(PosixSignal.SIGTERM, 15);
        Register(PosixSignal.SIGHUP, 1);
    }

    /// <summary>The exit code for the signal that arrived, or null when none did.</summary>
    public int? ExitCode => Volatile.Read(ref _received) is int n and > 0 ? ExitCodes.ForSignal(n) : null;

    private void Register(PosixSignal signal, int number)
    {
        try
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                if (Interlocked.CompareExchange(ref _received, number, 0) != 0)
                    return;
                _cancel.Cancel();
                // A blocked read of a terminal cannot be cancelled; do not let it keep the process alive.
                _ = Task.Delay(Grace).ContinueWith(_ => Environment.Exit(ExitCodes.ForSignal(number)), TaskScheduler.Default);
            }));
        }
        catch (PlatformNotSupportedException)
        {
            // SIGHUP has no equivalent on some platforms; the others are enough there.
        }
    }

    public void Dispose()
    {
        foreach (PosixSignalRegistration registration in _registrations)
            registration.Dispose();
    }
}
