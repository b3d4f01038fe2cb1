"""`tar.extractall(path)` → `tar.extractall(path, filter="data")`; `shutil.unpack_archive` too.

The "data" filter (Python 3.12, backported to 3.8.17+) refuses members with absolute paths,
`..`, links pointing outside the destination, device files, and drops set-uid bits.
Only receivers known to be tar archives are changed: `zipfile.ZipFile.extractall` has no
`filter` argument (and already strips `..` and absolute paths itself).
"""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m
from libcst.codemod import SkipFile

from codepatch.fix import edits
from codepatch.fix.examples import Fix, Refuse
from codepatch.fix.target import CallRewrite

TAR_OPENERS = ("tarfile.open", "tarfile.TarFile", "tarfile.TarFile.open", "tarfile.TarFile.taropen",
               "tarfile.TarFile.gzopen", "tarfile.TarFile.bz2open", "tarfile.TarFile.xzopen")


class AddArchiveFilter(CallRewrite):
    NAME = "add_archive_filter"
    DESCRIPTION = 'Extract tar archives with filter="data", which refuses paths outside the destination'
    CALLS = ("*.extractall", "*.extract", "shutil.unpack_archive")

    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)
        self.tar_names = {self._bound_name(n) for n in m.findall(node, m.Assign() | m.WithItem())
                          if isinstance(self._bound_value(n), cst.Call) and self.calls(self._bound_value(n), *TAR_OPENERS)}
        self.tar_names |= {p.name.value for p in m.findall(node, m.Param(annotation=m.Annotation()))
                           if any(q.endswith("TarFile") for q in self.qualified_names(p.annotation.annotation))}

    @staticmethod
    def _bound_value(node: cst.CSTNode) -> cst.BaseExpression:
        return node.value if isinstance(node, cst.Assign) else node.item

    @staticmethod
    def _bound_name(node: cst.CSTNode) -> str | None:
        target = node.targets[0].target if isinstance(node, cst.Assign) else (node.asname and node.asname.name)
        return target.value if isinstance(target, cst.Name) else None

    def rewrite(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        receiver = original.func.value if isinstance(original.func, cst.Attribute) else None
        is_tar = self.calls(original, "shutil.unpack_archive") or (
            isinstance(receiver, cst.Name) and receiver.value in self.tar_names) or (
            isinstance(receiver, cst.Call) and self.calls(receiver, *TAR_OPENERS))
        if not is_tar:
            raise SkipFile("the archive is not known to be a tarfile.TarFile (a zipfile.ZipFile has no filter "
                           "argument and already refuses '..' and absolute member names)")
        return edits.with_keyword(updated, "filter", cst.SimpleString('"data"'))


EXAMPLES = (
    # tar extraction gets filter="data"
    Fix("""\
        import tarfile
        with tarfile.open(upload) as archive:
            archive.extractall(dest)
        """, """\
        import tarfile
        with tarfile.open(upload) as archive:
            archive.extractall(dest, filter="data")
        """, at="archive.extractall("),
    Fix("""\
        import tarfile
        def unpack(tar: tarfile.TarFile, dest):
            tar.extractall(dest, filter="fully_trusted")
        """, """\
        import tarfile
        def unpack(tar: tarfile.TarFile, dest):
            tar.extractall(dest, filter="data")
        """, at="tar.extractall("),
    Fix("import shutil\nshutil.unpack_archive(f, d)\n",
        'import shutil\nshutil.unpack_archive(f, d, filter="data")\n', at="shutil.unpack_archive("),
    # an archive not known to be a tar file
    Refuse("""\
        import zipfile
        with zipfile.ZipFile(upload) as archive:
            archive.extractall(dest)
        """, at="archive.extractall(", reason="not known to be a tarfile.TarFile"),
)


STRATEGY = AddArchiveFilter
