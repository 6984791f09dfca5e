using Loos.Edge.Core;
using Loos.Edge.Modules;
using Microsoft.Extensions.DependencyInjection;

namespace Loos.Edge.Buffer;

/// <summary>The durable buffer (section <c>buffer</c>): every reading is kept on disk until forwarded.</summary>
public sealed class BufferModule : GatewayModule<BufferOptions>
{
    public override string Section => BufferOptions.SectionName;

    protected override void Prepare(BufferOptions options, ISiteContext site) =>
        options.Directory = site.ResolvePath(options.Directory) ?? string.Empty;

    protected override void Validate(BufferOptions options, ISiteContext site, ConfigurationProblems problems) =>
        problems.AddRange(BufferOptionsValidator.Check(options));

    protected override void AddServices(IServiceCollection services, BufferOptions options, ISiteContext site) =>
        services.AddDurableBuffer();
}
