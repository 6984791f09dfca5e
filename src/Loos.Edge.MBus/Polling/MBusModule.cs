using Loos.Edge.Modules;
using Loos.Edge.Verbs.MBus;
using Microsoft.Extensions.DependencyInjection;

namespace Loos.Edge.MBus.Polling;

/// <summary>M-Bus polling (section <c>mbus</c>): heat meters and other meters on serial lines.</summary>
public sealed class MBusModule() : GatewayModule<MBusOptions>(MBusOptions.SectionName, MBusOptionsValidator.Check)
{
    protected override bool IsEnabled(MBusOptions options, ISiteContext site) => options.Lines.Count > 0;

    protected override void AddServices(IServiceCollection services, MBusOptions options, ISiteContext site) =>
        services.AddMBusPolling(options);

    public override IEnumerable<Command> CreateVerbs(IVerbContext context) => [MBusCommand.Create()];
}
