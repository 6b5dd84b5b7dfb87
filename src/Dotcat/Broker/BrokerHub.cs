using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Dotcat.Diagnostics;
using Dotcat.Relay;
using Dotcat.Transports;

namespace Dotcat.Broker;

/// <summary>
/// <c>--broker</c> and <c>--chat</c>: what each client sends reaches every other client and stdout; what stdin gives
/// reaches every client. Each client has its own send queue and writer, so a client that leaves, or reads slowly,
/// never holds up the others; a client whose queue passes <see cref="QueueLimit"/> bytes is disconnected, so memory
/// stays bounded however slow it is.
/// </summary>
internal sealed class BrokerHub(bool chat, StdoutWriter stdout, Log log)
{
    /// <summary>Bytes waiting for one client before it is judged too slow and disconnected.</summary>
    public const int QueueLimit = 1024 * 1024;

    private const int ReadSize = 16 * 1024;

    /// <summary>Stdin's messages, in chat, come from user 0 (as ncat's fd 0).</summary>
    private const int StdinUser = 0;

    private readonly Lock _gate = new();
    private readonly List<Member> _members = [];
    private TaskCompletionSource _someoneConnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _lastUser;

    /// <summary>Reads stdin only while a client is there to receive it (as ncat does), and gives it to all of them.</summary>
    public async Task RelayStdinAsync(IByteSource stdin, CancellationToken cancellationToken)
    {
        var buffer = new byte[ReadSize];
        while (true)
        {
            Task someone;
            lock (_gate)
                someone = _someoneConnected.Task;
            await someone.WaitAsync(cancellationToken);

            int read = await stdin.ReadAsync(buffer, cancellationToken);
            if (read == 0)
                return;
            ReadOnlySpan<byte> data = buffer.AsSpan(0, read);
            Broadcast(chat ? ChatText.Message(StdinUser, data) : data.ToArray(), from: null);
        }
    }

    /// <summary>Serves one client until it leaves (or is dropped), then tells the others.</summary>
    public async Task ServeAsync(Socket client, CancellationToken cancellationToken)
    {
        await using var connection = new SocketDuplex(client);
        using var leave = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var member = new Member(Interlocked.Increment(ref _lastUser), Address(client.RemoteEndPoint), connection, leave);
        Join(member);
        Task writer = member.WriteQueuedAsync(log);
        try
        {
            var buffer = new byte[ReadSize];
            while (true)
            {
                int read = await connection.ReadAsync(buffer, leave.Token);
                if (read == 0)
                    break;
                ReadOnlySpan<byte> data = buffer.AsSpan(0, read);
                byte[] message = chat ? ChatText.Message(member.User, data) : data.ToArray();
                Broadcast(message, from: member);
                await stdout.WriteAsync(message, cancellationToken);
            }
        }
        catch (SocketException e)
        {
            log.Info($"{member.Address}: {SocketErrors.Describe(e.SocketErrorCode)}");
        }
        catch (OperationCanceledException) when (leave.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Dropped for reading too slowly, or its writer failed: it is gone either way.
        }
        finally
        {
            Leave(member);
            await leave.CancelAsync();
            await writer;
        }
    }

    private void Join(Member member)
    {
        byte[]? announcement;
        lock (_gate)
        {
            announcement = chat ? ChatText.Joined(member.Address, member.User, _members.Select(m => (m.Address, m.User))) : null;
            _members.Add(member);
            _someoneConnected.TrySetResult();
        }
        if (announcement is not null)
            Announce(announcement);
    }

    private void Leave(Member member)
    {
        lock (_gate)
        {
            if (!_members.Remove(member))
                return;
            if (_members.Count == 0)
                _someoneConnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        if (chat)
            Announce(ChatText.Left(member.User));
    }

    // Announcements go to every client and to stdout; stdout is written in the background so joining never waits on it.
    private void Announce(byte[] text)
    {
        Broadcast(text, from: null);
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

    /// <summary>Queues <paramref name="message"/> for every client but its sender, in one order for all of them.</summary>
    private void Broadcast(byte[] message, Member? from)
    {
        List<Member> tooSlow = [];
        lock (_gate)
        {
            foreach (Member member in _members)
            {
                if (member != from && !member.TryQueue(message))
                    tooSlow.Add(member);
            }
        }
        foreach (Member member in tooSlow)
        {
            log.Warning($"disconnecting {member.Address} as <user{member.User}>: more than {QueueLimit / 1024} KiB waiting to be sent to it");
            member.Drop();
        }
    }

    private static string Address(EndPoint? endPoint) => endPoint switch
    {
        IPEndPoint ip => (ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address).ToString(),
        _ => Endpoints.Format(endPoint),
    };

    private sealed class Member(int user, string address, SocketDuplex connection, CancellationTokenSource leave)
    {
        private readonly Channel<byte[]> _queue = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
        private long _queuedBytes;

        public int User { get; } = user;
        public string Address { get; } = address;

        /// <summary>False, queueing nothing, once the client is that far behind.</summary>
        public bool TryQueue(byte[] message)
        {
            if (Interlocked.Add(ref _queuedBytes, message.Length) > QueueLimit)
                return false;
            return _queue.Writer.TryWrite(message);
        }

        public void Drop()
        {
            _queue.Writer.TryComplete();
            leave.Cancel();
        }

        public async Task WriteQueuedAsync(Log log)
        {
            try
            {
                await foreach (byte[] message in _queue.Reader.ReadAllAsync(leave.Token))
                {
                    await connection.WriteAsync(message, leave.Token);
                    Interlocked.Add(ref _queuedBytes, -message.Length);
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
