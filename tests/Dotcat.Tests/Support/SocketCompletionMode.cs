using System.Runtime.CompilerServices;

namespace Dotcat.Tests.Support;

/// <summary>
/// The test process's socket completion mode, fixed before any test runs. An in-process responder run asks for
/// inline completions (src/Dotcat/Responders/InlineSocketCompletions.cs) through an environment variable the runtime
/// reads once, at the first socket call: left alone, whichever test came first would set the mode for every other
/// in-process test, and the timing of the whole suite would depend on test order. The runtime's default (completions
/// on the thread pool) is what relays and exec run with; responder tests check behaviour, not speed, so they run
/// with it too. A dotcat started as a process does not inherit this (<see cref="DotcatProcess"/> removes the
/// variable), so the shipped binary decides for itself.
/// </summary>
internal static class SocketCompletionMode
{
    internal const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

#pragma warning disable CA2255 // a module initializer is the one place that runs before every test and socket call
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Init() => Environment.SetEnvironmentVariable(Variable, "0");
}
