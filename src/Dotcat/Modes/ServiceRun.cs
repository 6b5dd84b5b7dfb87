using Dotcat.Broker;
using Dotcat.Diagnostics;
using Dotcat.Exec;
using Dotcat.Model;
using Dotcat.Relay;
using Dotcat.Responders;
using Dotcat.Toolbox;
using Dotcat.Transports;

namespace Dotcat.Modes;

/// <summary>
/// The run's <see cref="Service"/>, made once before any socket opens (an unwritable <c>-o</c> file fails first),
/// then asked to serve each connection the mode brings, concurrently when the listener keeps open.
/// </summary>
internal abstract partial class ServiceRun : IAsyncDisposable
{
    public static ServiceRun Start(DotcatOptions options, DotcatConsole console, Log log, CancellationToken cancellationToken) =>
        options.Service switch
        {
            Service.Respond respond => new RespondRun(respond, log),
            Service.Exec exec => new ExecRun(new ExecService(exec.Command, options, log)),
            Service.Broker broker => new BrokerRun(broker, options, console, log, cancellationToken),
            Service.Proxy proxy => new ProxyRun(proxy, options, log),
            _ => new RelayRun(options, console, log, cancellationToken),
        };

    /// <summary>Serves <paramref name="connection"/> until its conversation is over, then closes it.</summary>
    public abstract Task ServeAsync(Connection connection, CancellationToken cancellationToken);

    /// <summary>True for a responder over datagrams: it answers each datagram to its sender, no connection at all.</summary>
    public virtual bool AnswersEachDatagram => false;

    /// <summary>True for exec: with <c>-k</c> over datagrams, each peer is a connection of its own (a process per peer).</summary>
    public virtual bool ServesEachDatagramPeer => false;

    public virtual Task AnswerDatagramsAsync(DatagramPort port, CancellationToken cancellationToken) =>
        throw new NotSupportedException("only a responder answers datagrams one by one");

    public ValueTask DisposeAsync() => CloseAsync();

    /// <summary>Releases what the run holds (the toolbox's files, stdout).</summary>
    protected virtual ValueTask CloseAsync() => ValueTask.CompletedTask;

    /// <summary>stdin and stdout with the peer, through the toolbox; with <c>-k</c> every client shares stdin.</summary>
    private sealed class RelayRun : ServiceRun
    {
        private readonly Log _log;
        private readonly ToolboxRun _tools;
        private readonly StdoutWriter _stdout;
        private readonly StdinFanOut? _shared;
        private readonly RelayOptions _relay;
        private readonly Action? _closeStdout;

        public RelayRun(DotcatOptions options, DotcatConsole console, Log log, CancellationToken cancellationToken)
        {
            _log = log;
            _tools = ToolboxRun.Open(options.Toolbox, log, console);
            _stdout = new StdoutWriter(console.Stdout);
            if (options.KeepOpen && options.Mode == Mode.Listen && !options.Endpoint.IsDatagram)
            {
                _shared = new StdinFanOut(_tools.Input, log);
                // Not awaited: a blocked read of a terminal cannot be cancelled. It reports its own failure.
                _ = _shared.RunAsync(cancellationToken);
            }
            _relay = PeerRelay.OptionsFor(options) with { AfterPeerEof = AfterPeerEofFor(options, console, _shared is not null) };
            // One conversation owns stdout: a listener without -k, or connect mode. With -k every client writes to it.
            _closeStdout = options.KeepOpen && options.Mode == Mode.Listen ? null : console.CloseStdout;
        }

        /// <summary>
        /// SPEC section 3: a producer on stdin (pipe, file, socket, <c>--send</c> files) keeps sending after the peer's
        /// EOF; a terminal, <c>--recv-only</c> and a <c>-k</c> client (stdin is everyone's, not its own) end with it.
        /// Connect mode's <c>-k</c> (ncat 7.93+) keeps running after the peer's EOF until stdin's own, whatever stdin is.
        /// </summary>
        private static AfterPeerEof AfterPeerEofFor(DotcatOptions options, DotcatConsole console, bool sharesStdin) =>
            options.KeepOpen && options.Mode == Mode.Connect ? AfterPeerEof.KeepSending
            : sharesStdin || options.Toolbox.RecvOnly || (options.Toolbox.Files.Count == 0 && console.StdinIsTerminal)
                ? AfterPeerEof.End
                : AfterPeerEof.KeepSending;

        public override async Task ServeAsync(Connection connection, CancellationToken cancellationToken)
        {
            IByteSource input = !connection.CanSend ? ByteSources.Empty : _shared?.Subscribe() ?? _tools.Input;
            await using (connection)
            await using (Duplex local = _tools.Wrap(new LocalEnd(input, _stdout, _closeStdout)))
            {
                RelayStats stats = await PeerRelay.RunAsync(local, connection.Duplex, connection.Peer, _relay, cancellationToken);
                if (_log.IsVerbose)
                    _log.Info(PeerRelay.Summary(stats.Sent, stats.Received, stats.Elapsed));
            }
        }

        protected override async ValueTask CloseAsync()
        {
            await _tools.DisposeAsync();
            _stdout.Dispose();
        }
    }

    private sealed class ExecRun(ExecService exec) : ServiceRun
    {
        public override bool ServesEachDatagramPeer => true;

        public override Task ServeAsync(Connection connection, CancellationToken cancellationToken) =>
            exec.ServeAsync(connection, cancellationToken);
    }

    /// <summary>A built-in responder; over datagrams the mode hands it the port instead.</summary>
    private sealed class RespondRun : ServiceRun
    {
        private readonly ResponderHost _host;

        public RespondRun(Service.Respond respond, Log log)
        {
            ResponderHost.Prepare();
            _host = new ResponderHost(ResponderCatalog.For(respond.Responder, new ResponderSettings { TimeFormat = respond.TimeFormat }), log);
        }

        public override Task ServeAsync(Connection connection, CancellationToken cancellationToken) =>
            _host.ServeAsync(connection, cancellationToken);

        public override bool AnswersEachDatagram => true;

        public override Task AnswerDatagramsAsync(DatagramPort port, CancellationToken cancellationToken) =>
            _host.AnswerDatagramsAsync(port, cancellationToken);
    }

    private sealed class BrokerRun : ServiceRun
    {
        private readonly BrokerHub _hub;
        private readonly StdoutWriter _stdout;

        public BrokerRun(Service.Broker broker, DotcatOptions options, DotcatConsole console, Log log, CancellationToken cancellationToken)
        {
            _stdout = new StdoutWriter(console.Stdout);
            var stdin = new StdinFanOut(new StdinReader(console.Stdin), log, BrokerHub.ReadSize);
            _ = stdin.RunAsync(cancellationToken);
            _hub = new BrokerHub(broker.Chat, stdin, _stdout, log, sendOnly: options.Toolbox.SendOnly);
        }

        public override Task ServeAsync(Connection connection, CancellationToken cancellationToken) =>
            _hub.ServeAsync(connection, cancellationToken);

        protected override ValueTask CloseAsync()
        {
            _stdout.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
