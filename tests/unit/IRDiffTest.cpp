//===- IRDiffTest.cpp - Line diffs between passes -------------------------===//

#include "Pipeline/IRDiff.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <random>

using namespace mlir::tessera;

namespace {

/// Rebuilds both texts from the diff.
void expectReconstructs(const std::string &before, const std::string &after) {
  std::string oldText, newText;
  for (const DiffLine &line : diffLines(before, after)) {
    if (line.kind != DiffLine::Added)
      oldText += line.text.str() + "\n";
    if (line.kind != DiffLine::Removed)
      newText += line.text.str() + "\n";
  }
  auto normalized = [](std::string text) {
    if (!text.empty() && text.back() != '\n')
      text += "\n";
    return text;
  };
  EXPECT_EQ(oldText, normalized(before));
  EXPECT_EQ(newText, normalized(after));
}

TEST(IRDiff, EqualTextsHaveNoDiff) {
  EXPECT_EQ(unifiedDiff("a\nb\n", "a\nb\n", "x", "y"), "");
}

TEST(IRDiff, OneChangedLineIsOneHunk) {
  std::string before = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
  std::string after = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
  EXPECT_EQ(unifiedDiff(before, after, "before", "after"),
            "--- before\n+++ after\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n "
            "6\n 7\n 8\n");
}

TEST(IRDiff, CountsInsertionsAndDeletions) {
  std::vector<DiffLine> lines = diffLines("a\nb\nc\n", "a\nc\nd\ne\n");
  int removed = 0, added = 0;
  for (const DiffLine &line : lines) {
    removed += line.kind == DiffLine::Removed;
    added += line.kind == DiffLine::Added;
  }
  EXPECT_EQ(removed, 1);
  EXPECT_EQ(added, 2);
}

TEST(IRDiff, RandomEditsReconstructAndAreMinimalOnSmallCases) {
  std::mt19937 random(7);
  for (int round = 0; round < 200; ++round) {
    std::vector<std::string> lines;
    int count = random() % 30;
    for (int i = 0; i < count; ++i)
      lines.push_back("line" + std::to_string(random() % 8));
    std::vector<std::string> edited = lines;
    int edits = random() % 6;
    for (int e = 0; e < edits; ++e) {
      int op = random() % 3;
      if (op == 0 || edited.empty())
        edited.insert(edited.begin() +
                          (edited.empty() ? 0 : random() % edited.size()),
                      "new" + std::to_string(e));
      else if (op == 1)
        edited.erase(edited.begin() + random() % edited.size());
      else
        edited[random() % edited.size()] = "changed" + std::to_string(e);
    }
    std::string before, after;
    for (auto &line : lines)
      before += line + "\n";
    for (auto &line : edited)
      after += line + "\n";
    expectReconstructs(before, after);
    // Never more changes than the edits made (each edit is at most one
    // removal and one addition).
    int changes = 0;
    for (const DiffLine &line : diffLines(before, after))
      changes += line.kind != DiffLine::Same;
    EXPECT_LE(changes, 2 * edits);
  }
}

CapturedIR makeSnapshot(
    const std::vector<
        std::pair<std::string, std::shared_ptr<const std::string>>> &pieces) {
  CapturedIR ir;
  uint32_t line = 0;
  for (const auto &[symbol, text] : pieces) {
    ir.pieces.push_back({text, symbol, line});
    line += std::count(text->begin(), text->end(), '\n');
    ir.size += text->size();
  }
  return ir;
}

std::shared_ptr<const std::string> text(const std::string &value) {
  return std::make_shared<const std::string>(value);
}

TEST(IRDiff, SnapshotsDiffPerTopLevelOp) {
  auto header = text("module {\n");
  auto f = text("  func @f {\n    a\n  }\n");
  auto g = text("  func @g {\n    b\n  }\n}\n");
  auto g2 = text("  func @g {\n    c\n  }\n}\n");
  auto h = text("  func @h {\n  }\n");
  CapturedIR before = makeSnapshot({{"", header}, {"f", f}, {"g", g}});
  CapturedIR after =
      makeSnapshot({{"", header}, {"h", h}, {"f", f}, {"g", g2}});
  std::vector<DiffLine> lines = diffSnapshots(before, after);

  // The same as a diff of the whole texts, line for line.
  std::string beforeText = before.str(), afterText = after.str();
  std::vector<DiffLine> whole = diffLines(beforeText, afterText);
  ASSERT_EQ(lines.size(), whole.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i].kind, whole[i].kind) << i;
    EXPECT_EQ(lines[i].oldLine, whole[i].oldLine) << i;
    EXPECT_EQ(lines[i].newLine, whole[i].newLine) << i;
    EXPECT_EQ(lines[i].text, whole[i].text) << i;
  }
  EXPECT_EQ(formatUnifiedDiff(lines, "a", "b"),
            unifiedDiff(before.str(), after.str(), "a", "b"));

  // Unchanged pieces are not diffed: their lines refer into the shared
  // strings.
  for (const DiffLine &line : lines) {
    if (line.text == "    a") {
      EXPECT_TRUE(line.text.data() >= f->data() &&
                  line.text.data() < f->data() + f->size());
    }
  }
}

TEST(IRDiff, SameTextAcrossDifferentPieces) {
  // Two compiles intern separately and may split the text differently.
  CapturedIR a = makeSnapshot({{"", text("module {\n")},
                               {"f", text("  func @f {\n  }\n")},
                               {"", text("}\n")}});
  CapturedIR b = makeSnapshot(
      {{"", text("module {\n  func")}, {"f", text(" @f {\n  }\n}\n")}});
  EXPECT_TRUE(CapturedIR::sameText(a, b));
  EXPECT_TRUE(CapturedIR::sameText(b, a));
  EXPECT_TRUE(CapturedIR::sameText(a, a));
  CapturedIR c = makeSnapshot({{"", text("module {\n")},
                               {"f", text("  func @g {\n  }\n")},
                               {"", text("}\n")}});
  EXPECT_FALSE(CapturedIR::sameText(a, c));
  CapturedIR shorter = makeSnapshot({{"", text("module {\n}\n")}});
  EXPECT_FALSE(CapturedIR::sameText(a, shorter));
  CapturedIR empty = makeSnapshot({});
  EXPECT_TRUE(CapturedIR::sameText(empty, makeSnapshot({{"", text("")}})));
}

TEST(IRDiff, LargeRewritesStayBounded) {
  // 20k lines all different: a block removed and a block added, quickly,
  // instead of a quadratic trace.
  std::string before, after;
  for (int i = 0; i < 20000; ++i) {
    before += "old" + std::to_string(i) + "\n";
    after += "new" + std::to_string(i) + "\n";
  }
  std::vector<DiffLine> lines = diffLines(before, after);
  ASSERT_EQ(lines.size(), 40000u);
  EXPECT_EQ(lines.front().kind, DiffLine::Removed);
  EXPECT_EQ(lines.back().kind, DiffLine::Added);
  expectReconstructs(before, after);
}

} // namespace
