namespace Dotcat.Relay;

/// <summary>
/// Calls <c>onExpired</c> once <c>period</c> passes without a <see cref="Touch"/>. Backs <c>-i</c> (no data either
/// way) and <c>-q</c> (nothing arriving after stdin's EOF). A null or infinite period never expires.
/// </summary>
internal sealed class ActivityTimer(TimeSpan? period, Action onExpired) : IDisposable
{
    private readonly Timer? _timer = period is { } p && p != Timeout.InfiniteTimeSpan
        ? new Timer(_ => onExpired(), null, Timeout.Infinite, Timeout.Infinite)
        : null;

    /// <summary>Starts, or restarts, the countdown.</summary>
    public void Touch() => _timer?.Change(period!.Value, Timeout.InfiniteTimeSpan);

    public void Dispose() => _timer?.Dispose();
}
