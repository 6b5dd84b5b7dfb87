using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Dotcat.Diagnostics;
using Dotcat.Relay;
using Dotcat.Text;
using Dotcat.Transports;

namespace Dotcat.Broker;

/// <summary>
/// <c>--broker</c> and <c>--chat</c>: what each client sends reaches every other client and stdout; what stdin gives
/// (through the run's <see cref="StdinFanOut"/>, read only while a client is there, as ncat does) reaches every client. Each client has its own send queue and writer, so a client that leaves never holds up the
/// others. Memory stays bounded: once a client has <see cref="ThrottleMark"/> bytes waiting, senders pause until it
/// takes some; a client that takes nothing for <see cref="SlowClientPatience"/> meanwhile is disconnected.
/// </summary>
/// <remarks>With <c>--send-only</c> (<paramref name="sendOnly"/>), as in ncat, only stdin reaches the clients: what they send is read and dropped.</remarks>
internal sealed class BrokerHub(bool chat, StdinFanOut stdin, StdoutWriter stdout, Log log, bool sendOnly = false)
{
    /// <summary>Bytes waiting for one client above which the senders wait for it.</summary>
    public const int ThrottleMark = 256 * 1024;

    /// <summary>How long a client with a full queue may go without taking anything before it is dropped.</summary>
    public static readonly TimeSpan SlowClientPatience = TimeSpan.FromSeconds(2);

    public const int ReadSize = 16 * 1024;

    /// <summary>Stdin's messages, in chat, come from user 0 (as from ncat's fd 0).</summary>
    private const int StdinUser = 0;

    private readonly Lock _gate = new();
    private readonly List<Member> _members = [];
    private int _lastUser;

    /// <summary>Serves one client until it leaves (or is dropped), then tells the others.</summary>
    public async Task ServeAsync(Connection connection, CancellationToken cancellationToken)
    {
        await using var _ = connection;
        using var leave = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var member = new Member(Interlocked.Increment(ref _lastUser), Address(connection.RemoteEndPoint), connection.Duplex, leave);
        Join(member);
        Task writer = member.WriteQueuedAsync(log);
        Task fromStdin = PassStdinAsync(member, leave.Token);
        try
        {
            // Room for up to 3 bytes of a character that the previous read cut in two (chat only).
            var buffer = new byte[ReadSize + 3];
            var carry = new Utf8Carry();
            while (true)
            {
                int carried = chat ? carry.Prepend(buffer) : 0;
                int read = await connection.Duplex.ReadAsync(buffer.AsMemory(carried, ReadSize), leave.Token);
                if (read == 0)
                    break;
                ReadOnlySpan<byte> data = buffer.AsSpan(0, carried + read);
                byte[] message = chat ? ChatText.Message(member.User, data[..carry.Complete(data)]) : data.ToArray();
                if (message.Length == 0 || sendOnly)
                    continue;
                await stdout.WriteAsync(message, cancellationToken);
                await BroadcastAsync(message, from: member, leave.Token);
            }
        }
        catch (SocketException e)
        {
            log.Info($"{member.Address}: {SocketErrors.Describe(e.SocketErrorCode)}");
        }
        catch (OperationCanceledException) when (leave.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Dropped as too slow, or its writer failed: it is gone either way.
        }
        finally
        {
            Remove(member, why: null);
            member.Stop();
            await writer;
            await fromStdin;
        }
    }

    /// <summary>This client's share of stdin, queued for it like any other client's message.</summary>
    private async Task PassStdinAsync(Member member, CancellationToken cancellationToken)
    {
        using IByteSource share = stdin.Subscribe();
        var buffer = new byte[ReadSize + 3];
        var carry = new Utf8Carry();
        try
        {
            while (true)
            {
                int carried = chat ? carry.Prepend(buffer) : 0;
                int read = await share.ReadAsync(buffer.AsMemory(carried, ReadSize), cancellationToken);
                if (read == 0)
                    return;
                ReadOnlySpan<byte> data = buffer.AsSpan(0, carried + read);
                byte[] message = chat ? ChatText.Message(StdinUser, data[..carry.Complete(data)]) : data.ToArray();
                if (message.Length > 0 && member.Enqueue(message) > ThrottleMark && !await member.WaitForRoomAsync(cancellationToken))
                    Remove(member, $"it took nothing for {SlowClientPatience.TotalSeconds:0} s with {ThrottleMark / 1024} KiB waiting for it");
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client left.
        }
    }

    private void Join(Member member)
    {
        byte[]? announcement;
        lock (_gate)
        {
            announcement = chat ? ChatText.Joined(member.Address, member.User, _members.Select(m => (m.Address, m.User))) : null;
            _members.Add(member);
        }
        if (announcement is not null)
            Announce(announcement);
    }

    /// <summary>Takes a client out (once); <paramref name="why"/> is logged when the broker is the one dropping it.</summary>
    private void Remove(Member member, string? why)
    {
        lock (_gate)
        {
            if (!_members.Remove(member))
                return;
        }
        if (why is not null)
        {
            log.Warning($"disconnecting {member.Address} as <user{member.User}>: {why}");
            member.Stop();
        }
        if (chat)
            Announce(ChatText.Left(member.User));
    }

    // Announcements go to every client and to stdout; neither is waited for, so joining and leaving never block.
    private void Announce(byte[] text)
    {
        Queue(text, from: null);
        _ = WriteStdoutQuietlyAsync(text);
    }

    private async Task WriteStdoutQuietlyAsync(byte[] text)
    {
        try
        {
            await stdout.WriteAsync(text, CancellationToken.None);
        }
        catch (DotcatException)
        {
            // A closed stdout ends the listener through the next client message; an announcement cannot report it.
        }
    }

    /// <summary>
    /// Queues <paramref name="message"/> for every client but its sender, then waits while any of them is too far
    /// behind: the sender is slowed down (TCP pushes back to it) instead of memory growing.
    /// </summary>
    private async Task BroadcastAsync(byte[] message, Member? from, CancellationToken cancellationToken)
    {
        foreach (Member member in Queue(message, from))
        {
            if (!await member.WaitForRoomAsync(cancellationToken))
                Remove(member, $"it took nothing for {SlowClientPatience.TotalSeconds:0} s with {ThrottleMark / 1024} KiB waiting for it");
        }
    }

    /// <summary>Queues in one order for everyone; returns the clients now above the throttle mark.</summary>
    private List<Member> Queue(byte[] message, Member? from)
    {
        List<Member> behind = [];
        lock (_gate)
        {
            foreach (Member member in _members)
            {
                if (member != from && member.Enqueue(message) > ThrottleMark)
                    behind.Add(member);
            }
        }
        return behind;
    }

    private static string Address(EndPoint? endPoint) => endPoint switch
    {
        IPEndPoint ip => Endpoints.Unmapped(ip.Address).ToString(),
        _ => Endpoints.Format(endPoint),
    };

    private sealed class Member(int user, string address, Duplex connection, CancellationTokenSource leave)
    {
        private readonly Channel<byte[]> _queue = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
        private long _queuedBytes;
        private volatile bool _stopped;
        private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int User { get; } = user;
        public string Address { get; } = address;

        /// <summary>Adds a message; returns the bytes now waiting.</summary>
        public long Enqueue(byte[] message) =>
            _queue.Writer.TryWrite(message) ? Interlocked.Add(ref _queuedBytes, message.Length) : 0;

        /// <summary>
        /// Waits until the queue is back under the mark; false if the client took nothing for the whole patience.
        /// </summary>
        public async Task<bool> WaitForRoomAsync(CancellationToken cancellationToken)
        {
            while (!_stopped && Interlocked.Read(ref _queuedBytes) > ThrottleMark)
            {
                try
                {
                    await Volatile.Read(ref _progress).Task.WaitAsync(SlowClientPatience, cancellationToken);
                }
                catch (TimeoutException)
                {
                    return false;
                }
            }
            return true;
        }

        /// <summary>Ends the writer and the reader; safe to call more than once, and after the client left.</summary>
        public void Stop()
        {
            _stopped = true;
            _progress.TrySetResult();
            _queue.Writer.TryComplete();
            try
            {
                leave.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Its session already ended.
            }
        }

        public async Task WriteQueuedAsync(Log log)
        {
            try
            {
                await foreach (byte[] message in _queue.Reader.ReadAllAsync(leave.Token))
                {
                    await connection.WriteAsync(message, leave.Token);
                    Interlocked.Add(ref _queuedBytes, -message.Length);
                    if (!_stopped)
                        Interlocked.Exchange(ref _progress, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                }
            }
            catch (SocketException e)
            {
                log.Info($"{Address}: {SocketErrors.Describe(e.SocketErrorCode)}");
                await leave.CancelAsync();
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
