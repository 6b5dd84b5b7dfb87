using System.Runtime.CompilerServices;

namespace Dotcat.Responders;

/// <summary>
/// Socket continuations of responders run on the runtime's few socket threads (<see cref="InlineSocketCompletions"/>).
/// A client that keeps data flowing could keep such a thread in one conversation's loop for as long as every call
/// completes at once, so after a run of such calls the loop steps aside once and lets the other clients in.
/// </summary>
internal sealed class Fairness
{
    private const int MaxSynchronousRun = 64;
    private int _run;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask YieldIfBusyAsync(ValueTask operation)
    {
        if (!operation.IsCompleted)
            _run = 0;
        else if (++_run == MaxSynchronousRun)
        {
            _run = 0;
            await Task.Yield();
        }
        await operation;
    }
}
