namespace Dotcat.Relay;

/// <summary>The one way dotcat bounds a wait: the run's token joined with a timer.</summary>
internal static class Deadline
{
    /// <summary>
    /// A source cancelled with <paramref name="cancellationToken"/> or once <paramref name="timeout"/> passes (null or
    /// infinite: never). Dispose it when the wait is over.
    /// </summary>
    public static CancellationTokenSource After(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout is { } t && t != Timeout.InfiniteTimeSpan)
            source.CancelAfter(t);
        return source;
    }

    /// <summary>True when <paramref name="exception"/> is the deadline passing, not the run being cancelled.</summary>
    public static bool Expired(Exception exception, CancellationToken cancellationToken) =>
        exception is OperationCanceledException && !cancellationToken.IsCancellationRequested;
}
