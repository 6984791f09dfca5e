using Loos.Edge.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Loos.Edge.Lighting.Overriding;

/// <summary>
/// <c>GET /lighting/overrides</c>, <c>POST /lighting/overrides</c> (an add request) and
/// <c>DELETE /lighting/overrides/{id}</c> on the management address: 200 or 201 applied, 400 refused with the reason,
/// 404 for an unknown id, 500 when the change cannot be kept on disk; the body is always an <see cref="OverrideReply"/>.
/// </summary>
internal static class OverrideEndpoints
{
    /// <summary>The largest request body read: an add request naming every circuit of a big town.</summary>
    private const int MaximumRequestBytes = 64 * 1024;

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var commands = endpoints.ServiceProvider.GetRequiredService<OverrideCommands>();
        var group = endpoints.MapManagement().MapGroup("/lighting/overrides");
        group.MapGet("/", () => Reply(commands.Handle(new OverrideRequest { Action = "list" })));
        group.MapPost("/", async (HttpRequest request, CancellationToken cancellationToken) =>
        {
            using var body = new MemoryStream();
            var read = new byte[8192];
            int count;
            while ((count = await request.Body.ReadAsync(read, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (body.Length + count > MaximumRequestBytes)
                {
                    return Reply(new OverrideResult(OverrideResultKind.Refused, new OverrideReply(false, Error: $"the request is over {MaximumRequestBytes} bytes")));
                }

                body.Write(read, 0, count);
            }

            return Reply(commands.Handle(body.GetBuffer().AsSpan(0, (int)body.Length), impliedAction: "add"));
        });
        group.MapDelete("/{id}", (string id) => Reply(commands.Handle(new OverrideRequest { Action = "cancel", Id = id })));
    }

    private static JsonHttpResult<OverrideReply> Reply(OverrideResult result) => TypedResults.Json(
        result.Reply,
        OverrideJsonContext.Readable.OverrideReply,
        statusCode: result.Kind switch
        {
            OverrideResultKind.Created => StatusCodes.Status201Created,
            OverrideResultKind.Refused => StatusCodes.Status400BadRequest,
            OverrideResultKind.NotFound => StatusCodes.Status404NotFound,
            OverrideResultKind.Failed => StatusCodes.Status500InternalServerError,
            _ => StatusCodes.Status200OK,
        });
}
