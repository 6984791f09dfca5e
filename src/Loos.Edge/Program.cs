using System.CommandLine;
using Loos.Edge.Verbs;

var root = new RootCommand("Loos Edge: the telemetry edge gateway of a town in ecological transition.")
{
    RunVerb.Create(),
    ConfigVerb.Create(),
    BufferVerb.Create(),
    ModbusVerb.Create(),
    SunSpecVerb.Create(),
};

// No termination timeout: `run` stops through the host's lifetime, which waits for the buffer to flush.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
