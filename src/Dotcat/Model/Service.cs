namespace Dotcat.Model;

/// <summary>
/// What serves a connection: stdin/stdout relayed (<see cref="Relay"/>), a built-in responder, a program per
/// connection (<c>-e</c>/<c>-c</c>), or the broker (<c>--broker</c>/<c>--chat</c>). Chosen once, by the binder.
/// </summary>
internal abstract partial record Service
{
    private Service()
    {
    }

    /// <summary>The default: the peer's bytes to stdout, stdin's to the peer.</summary>
    public static Service Relay { get; } = new RelayService();

    /// <summary>What <c>-e</c>, <c>--respond</c> and so on are called in messages ("cannot use X with Y").</summary>
    public abstract string Option { get; }

    public sealed record RelayService : Service
    {
        public override string Option => "";
    }

    /// <summary><c>--respond NAME</c>; <paramref name="TimeFormat"/> is <c>--time-format</c>.</summary>
    public sealed record Respond(ResponderKind Responder, string TimeFormat) : Service
    {
        public override string Option => "--respond";
    }

    /// <summary><c>-e CMD</c> (<paramref name="ThroughShell"/> false) or <c>-c CMD</c>.</summary>
    public sealed record Exec(ExecCommand Command, bool ThroughShell) : Service
    {
        public override string Option => ThroughShell ? "-c/--sh-exec" : "-e/--exec";
    }

    /// <summary><c>--broker</c>, or <c>--chat</c> with names and announcements.</summary>
    public sealed record Broker(bool Chat) : Service
    {
        public override string Option => Chat ? "--chat" : "--broker";
    }
}

/// <summary>The built-in responders (<c>--respond</c>); Responders/ holds what each one does.</summary>
internal enum ResponderKind
{
    Echo,
    Upper,
    Time,
    Discard,
    Chargen,
    Daytime,
}

/// <summary>The program <c>-e</c> or <c>-c</c> runs for each connection: a file name and its arguments.</summary>
internal sealed record ExecCommand(string FileName, IReadOnlyList<string> Arguments);
